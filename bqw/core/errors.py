"""The one exception hierarchy services raise; API and form handlers map it once."""

from __future__ import annotations

from dataclasses import dataclass, field


class ApplicationError(Exception):
    """A business-rule failure with a Chinese message for the user."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class NotFoundError(ApplicationError):
    """Missing, or outside the user's view scope: the two look the same on purpose."""

    status_code = 404


class ForbiddenError(ApplicationError):
    """The user may read the object but not change it."""

    status_code = 403


class ConflictError(ApplicationError):
    """A write based on a stale version; `extra` carries the current state."""

    status_code = 409


class FormRejected(ApplicationError):
    """A form with at least one bad field: nothing was written. `field_errors` holds one ApplicationError per
    bad item, each with extra {"field", "indicator", …}, so a page can show each beside its field."""

    def __init__(self, field_errors: list[ApplicationError]) -> None:
        self.field_errors = list(field_errors)
        conflict = all(isinstance(e, ConflictError) for e in self.field_errors)
        self.status_code = ConflictError.status_code if conflict else ApplicationError.status_code
        first = self.field_errors[0].message if self.field_errors else ""
        message = f"表单有 {len(self.field_errors)} 处错误，未保存任何数据" + (f"：{first}" if first else "")
        super().__init__(message, extra={"errors": [{"message": e.message, **e.extra} for e in self.field_errors]})


@dataclass(frozen=True)
class RowError:
    """One bad cell of an import: spreadsheet row number (1 = header), column name, reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行【{self.column}】：{self.message}"


@dataclass
class ImportRejected(ApplicationError):
    """An import with at least one bad row: nothing was written."""

    errors: list[RowError] = field(default_factory=list)
    status_code: int = 422

    def __post_init__(self) -> None:
        message = f"导入被拒绝：{len(self.errors)} 处错误，未写入任何数据"
        ApplicationError.__init__(
            self,
            message,
            extra={"errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors]},
        )

    def __str__(self) -> str:
        return "\n".join([self.message, *[str(e) for e in self.errors]])
