"""Event codes → tie types: CAMEO codes (GDELT, the ICEWS Dataverse layout) and ICEWS event-type names,
and GDELT's field names. No imports: the per-event importers and the aggregation engine all read these."""


def gdelt_tie_type(code):
    """Return ``(type, polarity)`` for a CAMEO event code (GDELT ``eventcode``).

    Examples
    --------
    >>> [gdelt_tie_type(c) for c in ["042", "0622", "0741", "111", "163", "190"]]
    [('diplomatic', ''), ('military_cooperation', ''), ('military_cooperation', ''), ('diplomatic', 'adversarial'), ('sanctions', ''), ('hostile_act', '')]
    """
    code = str(code).strip()
    root = int(code[:2]) if code[:2].isdigit() else 0
    if code.startswith(("062", "074", "075")):
        return "military_cooperation", ""
    if code.startswith("061"):
        return "trade", ""
    if code.startswith(("163", "172")) or root == 16:
        return "sanctions", ""
    if root in (15, 17, 18, 19, 20):
        return "hostile_act", ""
    if root == 7 or code.startswith("051"):
        return "political_support", ""
    if root in (10, 11, 12, 13, 14):
        return "diplomatic", "adversarial"
    return "diplomatic", ""


GDELT_COLUMNS = ("globaleventid", "day", "actor1countrycode", "actor2countrycode", "actor1name",
                 "actor2name", "eventcode", "quadclass", "goldsteinscale")


#: GDELT 1.0's field names (lower case, as the shipped sample's header); 2.0 has the same first 35.
GDELT_FULL_COLUMNS = tuple("globaleventid,day,monthyear,year,fractiondate,actor1code,actor1name,actor1countrycode,actor1knowngroupcode,actor1ethniccode,actor1religion1code,actor1religion2code,actor1type1code,actor1type2code,actor1type3code,actor2code,actor2name,actor2countrycode,actor2knowngroupcode,actor2ethniccode,actor2religion1code,actor2religion2code,actor2type1code,actor2type2code,actor2type3code,isrootevent,eventcode,eventbasecode,eventrootcode,quadclass,goldsteinscale,nummentions,numsources,numarticles,avgtone,actor1geo_type,actor1geo_fullname,actor1geo_countrycode,actor1geo_adm1code,actor1geo_lat,actor1geo_long,actor1geo_featureid,actor2geo_type,actor2geo_fullname,actor2geo_countrycode,actor2geo_adm1code,actor2geo_lat,actor2geo_long,actor2geo_featureid,actiongeo_type,actiongeo_fullname,actiongeo_countrycode,actiongeo_adm1code,actiongeo_lat,actiongeo_long,actiongeo_featureid,dateadded,sourceurl".split(","))


# CAMEO's structure, applied to ICEWS event-type names (which lack numeric codes):
# first rule that matches the start of the name wins.
_ICEWS_RULES = (
    (("Impose_embargo", "Impose_administrative_sanctions", "Reduce_or_break", "Reduce_relations",
      "Reduce_or_stop", "Halt_negotiations", "Halt_mediation", "Expel_or_withdraw"), "sanctions", ""),
    (("Use_", "Employ_aerial", "fight_", "Physically_assault", "Kill_", "Assassinate",
      "Attempt_to_assassinate", "Abduct", "Torture", "Sexually_assault", "Carry_out", "Conduct_suicide",
      "Occupy_territory", "Seize_or_damage", "Destroy_property", "Engage_in_mass", "Violate_ceasefire",
      "Detonate", "Impose_blockade", "Demonstrate_military", "Increase_military_alert",
      "Mobilize_or_increase_armed", "Arrest", "Confiscate", "Expel_or_deport", "Coerce",
      "Obstruct_passage"), "hostile_act", ""),
    (("Cooperate_militarily", "Provide_military", "Receive_deployment_of_peacekeepers",
      "Share_intelligence", "Express_intent_to_cooperate_militarily"), "military_cooperation", ""),
    (("Cooperate_economically", "Express_intent_to_cooperate_economically"), "trade", ""),
    (("Provide_aid", "Provide_economic_aid", "Provide_humanitarian_aid", "Praise_or_endorse",
      "Rally_support", "Defend_verbally", "Grant_diplomatic_recognition", "Express_accord",
      "Grant_asylum", "Forgive", "Apologize"), "political_support", ""),
    (("Accuse", "Criticize", "Complain", "Bring_lawsuit", "Rally_opposition", "Demand", "Reject",
      "Refuse", "Veto", "Threaten", "Give_ultimatum", "Defy_norms", "Demonstrate", "Protest",
      "Conduct_hunger_strike", "Conduct_strike", "Engage_in_political_dissent",
      "Engage_in_violent_protest", "Investigate", "Deny_responsibility", "Impose_restrictions",
      "Ban_political"), "diplomatic", "adversarial"),
    (("",), "diplomatic", ""),
)


def icews_tie_type(event_type):
    """Return ``(type, polarity)`` for an ICEWS/CAMEO event-type name.

    Material conflict → ``hostile_act``; embargoes, sanctions and cut relations →
    ``sanctions``; military aid and cooperation → ``military_cooperation``;
    economic cooperation → ``trade``; aid and endorsement → ``political_support``;
    verbal conflict (accuse, demand, reject, threaten, protest) → ``diplomatic``
    marked adversarial; every other statement, meeting or agreement → ``diplomatic``.

    Examples
    --------
    >>> [icews_tie_type(e) for e in ["Consult", "Threaten", "Use_conventional_military_force",
    ...                                "Impose_embargo,_boycott,_or_sanctions", "Provide_military_aid"]]
    [('diplomatic', ''), ('diplomatic', 'adversarial'), ('hostile_act', ''), ('sanctions', ''), ('military_cooperation', '')]
    """
    for prefixes, tie_type, polarity in _ICEWS_RULES:
        if event_type.startswith(prefixes):
            return tie_type, polarity
    return "diplomatic", ""  # pragma: no cover - the last rule matches everything
