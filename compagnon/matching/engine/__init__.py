"""Who should be invited to a case, and which cases suit a person: the matching engine.

Pure Python + numpy/scipy/scikit-learn on plain data (no Django): the database
side turns people and cases into `PersonDoc` and `CaseQuery`, calls
`Ranker.fit` once, keeps the ranker in memory and feeds it `upsert`/`remove`
as profiles change. Modules:

- data: PersonDoc, CaseQuery, Match, CaseMatch, Weights (plain data);
- taxonomy: tags, hierarchy, bilingual vocabulary;
- features: people's rows and cases' vectors;
- ranker: the index, the exact top k, cases for a person;
- explain: reasons; selection: the invitation set;
- learn: the parts' weights fitted on the club's answers;
- embeddings: the optional sentence-embedding signal (off by default).
The formula is in docs/matching.md.
"""

from compagnon.matching.engine.data import (
    LEVELS,
    PARTS,
    CaseMatch,
    CaseQuery,
    Match,
    PersonDoc,
    Weights,
)
from compagnon.matching.engine.ranker import Ranker
from compagnon.matching.engine.taxonomy import TagInfo, Taxonomy

__all__ = [
    "LEVELS",
    "PARTS",
    "CaseMatch",
    "CaseQuery",
    "Match",
    "PersonDoc",
    "Ranker",
    "TagInfo",
    "Taxonomy",
    "Weights",
]
