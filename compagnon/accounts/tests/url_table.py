"""Who reaches the personal-data pages: each signed-in person, for themself only."""

from compagnon.core.tests.urltable import Case, signed_in

URL_TABLE = {
    # The URL names no one: each person gets their own data, never someone else's.
    "accounts:data_export": Case(signed_in(200)),
    "accounts:data_erase": [
        Case(signed_in(200)),
        Case(
            signed_in(200),
            method="post",
            note="no password, no tick: the page says so and nothing is erased",
        ),
    ],
}
