"""The knowledge base (vidensdatabase) in knowledge/: one CSV per concept, checked on loading.

- schema: the tables' row models, constants (ACTORS, WELFARE_AREAS, …) and KnowledgeBase;
- reading / checks / load: files → validated tables → checks across tables → KnowledgeBase (load_knowledge);
- local: a kommune's own numbers laid on top (SOM_LOCAL, `load_knowledge(local=…)`);
- workbook: the whole base as one Excel workbook and back; diff: what a new version changes.
Command line: `python -m som_kernel.knowledge check|export-xlsx|import-xlsx|diff …` (see __main__).
"""

from .load import LOCAL_ENV, load_knowledge
from .local import LocalLayer
from .schema import (
    ACTORS,
    CALIBRATION_PRICE_YEAR,
    DEFAULT_KNOWLEDGE_DIR,
    KEYS,
    LOCAL_COLUMN,
    TABLES,
    TARGET_GROUP_AREAS,
    WELFARE_AREA_NAMES_DA,
    WELFARE_AREAS,
    Actor,
    Consequence,
    EffectStudy,
    KnowledgeBase,
    Meta,
    NetPriceIndex,
    Outcome,
    Price,
    Service,
    TargetGroup,
    Unit,
    WelfareArea,
)

__all__ = [
    "ACTORS",
    "CALIBRATION_PRICE_YEAR",
    "DEFAULT_KNOWLEDGE_DIR",
    "KEYS",
    "LOCAL_COLUMN",
    "LOCAL_ENV",
    "TABLES",
    "TARGET_GROUP_AREAS",
    "WELFARE_AREAS",
    "WELFARE_AREA_NAMES_DA",
    "Actor",
    "Consequence",
    "EffectStudy",
    "KnowledgeBase",
    "LocalLayer",
    "Meta",
    "NetPriceIndex",
    "Outcome",
    "Price",
    "Service",
    "TargetGroup",
    "Unit",
    "WelfareArea",
    "load_knowledge",
]
