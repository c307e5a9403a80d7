"""How closely two folded names agree, as one word the matcher can weigh and explain.

Besides spelling and sound, a first name can agree through a nickname ("Bill" is a
William, "Kate" a Catherine), and a double-barrelled surname ("Smith-Jones") can agree
through either of its parts: people drop one half at the custody desk.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.domain.distance import damerau_levenshtein, jaro_winkler
from app.domain.phonetic import fold, metaphone

SPELT_ALIKE_JARO_WINKLER = 0.88

# Given names and the short forms people give for them, one group a line. A name may sit
# in more than one group ("Chris", "Sam"): two names agree when they share any group.
# Spellings that sound the same need not be listed: the phonetic key already finds them.
_NICKNAME_GROUPS = """
ALEXANDER ALEX ALEC SANDY XANDER
ALEXANDRA ALEX ALEXA LEXI SANDRA SANDY
ANDREW ANDY DREW
ANTHONY ANTONY TONY ANT
BARTHOLOMEW BART
BENJAMIN BEN BENNY BENJI
CATHERINE KATHERINE KATHRYN KATE KATIE KATY CATH KATH CATHY KATHY KAY KIT
CHARLES CHARLIE CHAS CHUCK
CHARLOTTE CHARLIE LOTTIE LOTTE
CHRISTINE CHRISTINA CHRIS TINA CHRISSIE KIRSTY KIRSTIE
CHRISTOPHER CHRIS KIT TOPHER
DANIEL DAN DANNY
DARREN DAZ DAZZA
DAVID DAVE DAVY DAI
DEBORAH DEBBIE DEBS DEB
DOUGLAS DOUG DOUGIE
EDWARD ED EDDIE TED TEDDY NED
ELIZABETH LIZ LIZZIE LIZA BETH BETTY BETSY ELIZA LIBBY ELSIE
FRANCES FRAN FRANKIE FANNY
FRANCIS FRANK FRANKIE
FREDERICK FRED FREDDIE
GARETH GAZ GAZZA
GARY GAZ GAZZA
GEOFFREY JEFFREY GEOFF JEFF
GERALD GERRY JERRY
HENRY HARRY HAL HANK
JACQUELINE JACKIE JACQUI
JAMES JIM JIMMY JAMIE JIMBO
JENNIFER JEN JENNY
JOANNE JOANNA JO JOJO
JOHN JACK JOHNNY JONNY
JONATHAN JON JONNY JONNO
JOSEPH JOE JOEY JO
JOSEPHINE JO JOSIE
KENNETH KEN KENNY
LAWRENCE LAURENCE LARRY LAURIE LOL
LEONARD LEN LENNY LEO
MARGARET MAGGIE MEG PEGGY MAGS MADGE
MATTHEW MATT MATTY
MICHAEL MIKE MICK MICKY MIKEY
MOHAMMED MOHAMED MUHAMMAD MOHD MO
NICHOLAS NICK NICKY
NICOLA NIKKI NICKY
PAMELA PAM
PATRICIA PAT PATSY TRISH TRICIA
PATRICK PAT PADDY
PETER PETE
PHILIP PHIL PIP
REBECCA BECKY BECCA BEX
RICHARD RICK RICKY DICK RICH RICHIE
ROBERT ROB ROBBIE BOB BOBBY BERT
RONALD RON RONNIE
SAMANTHA SAM SAMMY
SAMUEL SAM SAMMY
STEPHANIE STEPH STEFF
STEPHEN STEVEN STEVE STEVIE
SUSAN SUE SUSIE SUZY
TERENCE TERRY TEL
THOMAS TOM TOMMY
TIMOTHY TIM TIMMY
VICTORIA VICKY VIKKI TORI
WILLIAM BILL BILLY WILL WILLIE LIAM
"""


def _nickname_index() -> dict[str, frozenset[int]]:
    index: dict[str, set[int]] = {}
    for number, line in enumerate(_NICKNAME_GROUPS.split("\n")):
        for name in line.split():
            index.setdefault(name, set()).add(number)
    return {name: frozenset(groups) for name, groups in index.items()}


_NICKNAMES = _nickname_index()


def are_nicknames(ours: str, theirs: str) -> bool:
    """True when two folded first names are one name and its short form ("BILL", "WILLIAM")."""
    return bool(_NICKNAMES.get(ours, frozenset()) & _NICKNAMES.get(theirs, frozenset()))


def name_parts(typed: str) -> tuple[str, ...]:
    """The folded parts of a double-barrelled or multi-word name ("Smith-Jones" -> two);
    a single-part name gives nothing, so callers only add what is new."""
    parts = tuple(p for p in (fold(word) for word in re.split(r"[\s\-]+", typed)) if p)
    return parts if len(parts) > 1 else ()


@lru_cache(maxsize=131072)
def compare_names(ours: str, theirs: str, *, given: bool = False) -> str:
    """One of exact, sounds, spelt, nickname, initial, differs, missing (folded A-Z names).

    ``nickname`` is only tried for first names (``given=True``): surnames have no short forms.
    """
    if not ours or not theirs:
        return "missing"
    if ours == theirs:
        return "exact"
    if len(ours) == 1 or len(theirs) == 1:
        return "initial" if ours[0] == theirs[0] else "differs"
    if metaphone(ours) == metaphone(theirs):
        return "sounds"
    if _spelt_alike(ours, theirs):
        return "spelt"
    if given and are_nicknames(ours, theirs):
        return "nickname"
    return "differs"


def _spelt_alike(ours: str, theirs: str) -> bool:
    # One slip in a name of four letters or more, or a close Jaro-Winkler (a shared start).
    return jaro_winkler(ours, theirs) >= SPELT_ALIKE_JARO_WINKLER or (
        min(len(ours), len(theirs)) >= 4 and damerau_levenshtein(ours, theirs) <= 1
    )
