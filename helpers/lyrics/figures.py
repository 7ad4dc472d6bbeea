"""The chapter's figures: learning curves, the perplexity table as bars, repetition against randomness."""

from __future__ import annotations

import matplotlib.pyplot as plt

#: The blog's reported accuracy of Gene Lyrica One (training accuracy: nothing was held out).
BLOG_GENE_ACCURACY = 0.22


def plot_accuracy(histories: dict, blog_accuracy: float = BLOG_GENE_ACCURACY):
    """Training and validation next-word accuracy per epoch for each run, beside the blog's 22%."""
    fig, ax = plt.subplots(figsize=(8, 4))
    for index, (name, history) in enumerate(histories.items()):
        h = history.history
        epochs = range(1, len(h["accuracy"]) + 1)
        color = f"C{index}"
        ax.plot(epochs, h["accuracy"], color=color, label=f"{name}: training")
        if "val_accuracy" in h:
            ax.plot(epochs, h["val_accuracy"], color=color, linestyle="--", label=f"{name}: validation songs")
    ax.axhline(blog_accuracy, color="grey", linestyle=":", label=f"the blog's Gene Lyrica One ({blog_accuracy:.0%})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("next-word accuracy")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def plot_perplexities(table):
    """Test perplexity of each model (a pandas Series, name -> perplexity), lower is better."""
    fig, ax = plt.subplots(figsize=(8, 3.5))
    colors = ["C1" if "gram" in name else "C0" for name in table.index]
    ax.barh(table.index, table.values, color=colors)
    for y, value in enumerate(table.values):
        ax.text(value, y, f" {value:.0f}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("perplexity on the test songs (lower is better)")
    fig.tight_layout()
    return fig


def plot_repetition(table, reference: dict, title: str = "Repetition and copying against randomness"):
    """One interactive plotly figure: each metric against randomness, real test songs dashed."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    metrics = [m for m in table.columns if m != "randomness"]
    fig = make_subplots(rows=1, cols=len(metrics), subplot_titles=metrics, horizontal_spacing=0.06)
    for column, metric in enumerate(metrics, start=1):
        fig.add_trace(
            go.Scatter(
                x=table["randomness"],
                y=table[metric],
                mode="lines+markers",
                name="generated",
                line=dict(color="#1f77b4"),
                showlegend=column == 1,
                hovertemplate="randomness %{x}<br>" + metric + " %{y:.3f}<extra></extra>",
            ),
            row=1,
            col=column,
        )
        fig.add_trace(
            go.Scatter(
                x=[table["randomness"].min(), table["randomness"].max()],
                y=[reference[metric]] * 2,
                mode="lines",
                name="real test songs",
                line=dict(color="#d62728", dash="dash"),
                showlegend=column == 1,
                hovertemplate="real songs: %{y:.3f}<extra></extra>",
            ),
            row=1,
            col=column,
        )
        fig.update_xaxes(title_text="randomness", row=1, col=column)
    fig.update_layout(
        title=title, height=340, margin=dict(l=40, r=20, t=70, b=40), legend=dict(orientation="h", y=-0.25)
    )
    return fig
