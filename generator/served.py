"""Where a journal page's own content stands in a file an engine built, and new content put there.

`pjournal serve` shows an edited session's page before the build that follows it: the page's new
content goes where the last build wrote the old (a `Spot`), and only while the file still holds
those bytes, so a file another program changed since is left to the build.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .folders import hash_of


@dataclass
class Spot:
    """A built file, the first byte of a page's content in it, its length and its hash."""

    path: Path
    start: int
    length: int
    hash: str

    @classmethod
    def of(cls, path: str, output: str, content: str) -> Spot | None:
        """Where `content` stands in `output` (the page as the file holds it, in UTF-8): None unless once."""
        at = output.find(content)
        if at < 0 or output.find(content, at + 1) >= 0:
            return None
        data = content.encode("utf-8")
        return cls(Path(path), len(output[:at].encode("utf-8")), len(data), hash_of(data))

    def built(self) -> bytes | None:
        """The file's bytes, while they hold the content as it was built; else None."""
        try:
            data = self.path.read_bytes()
        except OSError:
            return None
        return data if hash_of(data[self.start : self.start + self.length]) == self.hash else None

    def put(self, built: bytes, content: str) -> None:
        """`content` in the place of the old in `built` (the file's bytes), the file replaced at once: the
        server may be reading it."""
        data = content.encode("utf-8")
        temporary = self.path.with_name(self.path.name + ".pjournal-new")
        temporary.write_bytes(built[: self.start] + data + built[self.start + self.length :])
        os.replace(temporary, self.path)
        self.length, self.hash = len(data), hash_of(data)
