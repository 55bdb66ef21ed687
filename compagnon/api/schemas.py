"""Shapes shared by several routers."""

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorsOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class TagOut(Schema):
    slug: str
    label_en: str
    label_fr: str


class OrganisationRef(Schema):
    slug: str
    name: str


class PersonRef(Schema):
    id: int
    name: str


ERRORS_READ: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
ERRORS_WRITE: dict[int, type[Schema]] = {**ERRORS_READ, 400: FieldErrorsOut}
