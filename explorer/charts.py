"""Static charts for printed briefings (matplotlib, an optional extra)."""

from graph.errors import TiesError

__all__ = ["timeline_chart"]


def _pyplot():
    try:
        import matplotlib
    except ImportError as ex:
        raise TiesError("charts need matplotlib: pip install 'tiegraph[plot]'") from ex
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def timeline_chart(rows, metric, path, *, title=None):
    """Write a line chart of :func:`graph.analysis.timeline` rows (one line per actor).

    The suffix of ``path`` (``.png`` or ``.svg``) chooses the format. The
    chart carries no creation date, so the same rows give the same file.

    Raises
    ------
    TiesError
        If matplotlib is not installed.
    """
    plt = _pyplot()
    series = {}
    for r in rows:
        series.setdefault((r["id"], r["name"]), []).append((r["year"], r[metric]))
    fig, ax = plt.subplots(figsize=(9, 5), dpi=100)
    for (_, name), points in series.items():
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
    years = sorted({r["year"] for r in rows})
    ax.set_xticks(years)
    ax.set_xticklabels([str(y) for y in years], rotation=45 if len(years) > 12 else 0)
    ax.set_xlabel("year (ties active in that year)")
    ax.set_ylabel(metric)
    ax.set_title(title or f"{metric} per year")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize="small", frameon=False)
    fig.tight_layout()
    fmt = "png" if str(path).lower().endswith(".png") else "svg"
    metadata = {"Software": None} if fmt == "png" else {"Date": None}
    from graph.files import atomic_path
    try:
        with atomic_path(path) as tmp:  # the temp name ends in .tmp: the format is said
            fig.savefig(tmp, format=fmt, metadata=metadata)
    finally:
        plt.close(fig)
    return path
