"""Stable node colours: a group's colour is a function of its name, in every figure and file.

The shipped groups have fixed hues; any other group name is hashed (SHA-256,
not Python's per-process ``hash``) into the same colour-blind-safe palette, so
the same name is the same colour in every page, image and GEXF file of a
briefing. A bloc (community) takes the colour of the group of its largest
member, so the same set of actors looks the same whatever the community
numbering. No node colour is red or orange: those mean "adversarial" on ties.
"""

import hashlib

__all__ = ["GROUP_COLORS", "PALETTE", "OTHER_COLOR", "PLAIN_COLOR", "group_color", "class_colors"]

#: Fixed colours of the groups the bundled data uses.
GROUP_COLORS = {"allies": "#4e79a7", "axis": "#b07aa1", "other": "#9c9c94"}

#: Colour-blind-safe hues for other group names (and blocs without a group), no reds or oranges.
PALETTE = ("#59a14f", "#edc948", "#76b7b2", "#9c755f", "#86bcb6", "#d4a6c8", "#8cd17d",
           "#a0cbe8", "#5f6fa8", "#b6992d")

#: Nodes in no class (a lone actor's bloc, an empty group).
OTHER_COLOR = "#bab0ac"

#: Nodes when colour says nothing (``--color-by none``).
PLAIN_COLOR = "#6e7f99"


def group_color(name):
    """Return the colour of a group name (the same in every run and figure).

    Examples
    --------
    >>> group_color("axis"), group_color("allies")
    ('#b07aa1', '#4e79a7')
    >>> group_color("non-aligned") == group_color("non-aligned") and group_color("non-aligned") in PALETTE
    True
    >>> group_color(""), group_color(None)
    ('#bab0ac', '#bab0ac')
    """
    if name is None or str(name).strip() == "":
        return OTHER_COLOR
    key = str(name).strip().lower()
    if key in GROUP_COLORS:
        return GROUP_COLORS[key]
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return PALETTE[int.from_bytes(digest[:4], "big") % len(PALETTE)]


def class_colors(classes, *, groups=None, scores=None):
    """Return ``{class: colour}`` for node classes (community numbers or group names).

    Parameters
    ----------
    classes : dict
        ``{actor: class}``; ``None`` or ``""`` is no class.
    groups : dict, optional
        ``{actor: group name}``. When given, classes are blocs: each takes the
        colour of the group of its largest member (highest ``scores``, ties
        broken by actor id); when that member has no group, the colour its id
        hashes to (so the bloc still looks the same in every figure). Two blocs
        never share a colour: when a larger bloc (more members) already took
        it, a bloc takes the colour its largest member's id hashes to, or the
        next free colour of the palette. Without ``groups`` the classes are
        group names and take :func:`group_color`.
    scores : dict, optional
        ``{actor: size score}`` deciding a bloc's largest member (default: all equal).

    Examples
    --------
    >>> class_colors({"A": "axis", "B": "allies", "C": None})
    {'allies': '#4e79a7', 'axis': '#b07aa1'}
    >>> class_colors({"PRK": 0, "RUS": 0, "USA": 1}, groups={"PRK": "axis", "RUS": "axis", "USA": "allies"},
    ...              scores={"PRK": 0.2, "RUS": 0.5, "USA": 0.3})
    {0: '#b07aa1', 1: '#4e79a7'}
    >>> two = class_colors({"USA": 0, "JPN": 0, "NATO": 1}, groups={"USA": "allies", "JPN": "allies",
    ...                    "NATO": "allies"}, scores={"USA": 0.5, "JPN": 0.2, "NATO": 0.3})
    >>> two[0], two[1] == group_color("NATO") != two[0]
    ('#4e79a7', True)
    """
    members = {}
    for actor, c in classes.items():
        if c is None or c == "":
            continue
        members.setdefault(c, []).append(actor)
    if groups is None:
        return {c: group_color(c) for c in sorted(members, key=str)}
    scores = scores or {}
    rank = lambda a: (-float(scores.get(a) or 0.0), str(a))  # noqa: E731
    top = {c: min(m, key=rank) for c, m in members.items()}
    # larger blocs choose first: the largest bloc led by a group's member takes the group's colour; a
    # later bloc whose colour is taken takes its leader's own hashed colour, else the next free one
    order = sorted(members, key=lambda c: (-len(members[c]), rank(top[c])))
    out, used = {}, set()
    for c in order:
        lead = top[c]
        want = [group_color(groups.get(lead) or lead), group_color(lead)]
        start = PALETTE.index(want[1]) if want[1] in PALETTE else 0
        want += [PALETTE[(start + i) % len(PALETTE)] for i in range(1, len(PALETTE))]
        out[c] = next((w for w in want if w not in used), want[0])
        used.add(out[c])
    return {c: out[c] for c in sorted(out, key=str)}
