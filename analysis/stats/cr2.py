"""Cluster-robust standard errors for few clusters: CR2 with Bell–McCaffrey degrees of freedom.

With a handful of outlets per group, the usual cluster-robust (CR1) variance is biased
downwards and normal (or t with G − 1 degrees of freedom) intervals cover far less than they
claim (simulated corpora of ``bench/bench_calibration.py``, 3 outlets and 500 documents per
origin, 100 corpora: 84 % and 91 % for 95 % intervals; HC1, ignoring the outlets, 44 %; CR2
with the degrees of freedom below 94.8 % over 1,000 corpora). The bias-reduced
linearisation CR2 (Bell & McCaffrey 2002) rescales each cluster's residuals by
``(I − H_gg)^(-1/2)``, and the Satterthwaite degrees of freedom of each contrast (Bell &
McCaffrey; Imbens & Kolesár 2016) account for how few clusters carry it. Here it is computed
for a generalized linear model at its estimate, in the metric of the working weights:
``U = W^(1/2) X``, Pearson residuals ``ũ = W^(1/2) (y − μ) / μ`` (log link), bread
``(U'U)^(-1)``. Every cluster block is handled in its low-rank form (a thin SVD of its rows
of ``U``), so no ``n × n`` matrix is ever built.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cr2_covariance"]

# a cluster whose leverage eigenvalue reaches 1 - _DEGENERATE alone determines a coefficient
_DEGENERATE = 1e-8


def _blocks(u_mat: np.ndarray, resid: np.ndarray, bread: np.ndarray, codes: np.ndarray):
    """Per cluster ``(T_g, Z Σ, P' ũ_g)`` of the thin SVD ``U_g = P Σ Z'``; None if degenerate.

    ``T_g = V (1 − Λ)^(-1/2) V' Σ Z'`` with ``V Λ V'`` the eigen-decomposition of
    ``Σ Z' B Z Σ`` (``H_gg`` on its range), so ``(I − H_gg)^(-1/2) U_g = P T_g``.
    """
    order = np.argsort(codes, kind="stable")
    out = []
    for rows in np.split(order, np.flatnonzero(np.diff(codes[order])) + 1):
        p, s, zt = np.linalg.svd(u_mat[rows], full_matrices=False)
        keep = s > s.max() * 1e-12
        p, sz = p[:, keep], s[keep, None] * zt[keep]  # sz = Σ Z' (r × k)
        lam, vec = np.linalg.eigh(sz @ bread @ sz.T)
        if lam.max() >= 1.0 - _DEGENERATE:
            return None
        out.append(((vec * (1.0 - lam) ** -0.5) @ vec.T @ sz, sz.T, p.T @ resid[rows]))
    return out


def cr2_covariance(
    design: np.ndarray,
    weights: np.ndarray,
    resid: np.ndarray,
    clusters: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """CR2 covariance of the coefficients and Bell–McCaffrey degrees of freedom of each.

    Args:
        design: ``n × k`` design matrix ``X``.
        weights: Working weights ``W`` (NB2 with log link: ``μ / (1 + αμ)``; Poisson: ``μ``).
        resid: Pearson residuals ``W^(1/2) (y − μ) / μ``.
        clusters: Cluster label of each row.

    Returns:
        ``(cov, df)``: the ``k × k`` covariance and, per coefficient, the Satterthwaite
        degrees of freedom of its t reference distribution; ``None`` when a cluster alone
        determines a coefficient (a leverage eigenvalue of 1: CR2 is undefined).
    """
    sw = np.sqrt(np.asarray(weights, dtype="float64"))
    u_mat = sw[:, None] * np.asarray(design, dtype="float64")
    bread = np.linalg.inv(u_mat.T @ u_mat)
    codes = np.unique(np.asarray(clusters), return_inverse=True)[1].ravel()
    blocks = _blocks(u_mat, np.asarray(resid, dtype="float64"), bread, codes)
    if blocks is None:
        return None
    scores = np.array([t_g.T @ pu for t_g, _, pu in blocks])  # adjusted cluster scores
    cov = bread @ (scores.T @ scores) @ bread
    k = design.shape[1]
    df = np.empty(k)
    for j in range(k):
        v = bread[:, j]  # B^-1 e_j
        tv = [t_g @ v for t_g, _, _ in blocks]
        b = np.column_stack([zs @ t for (_, zs, _), t in zip(blocks, tv, strict=True)])
        m = np.diag([t @ t for t in tv]) - b.T @ bread @ b  # G × G
        df[j] = np.trace(m) ** 2 / np.sum(m * m)
    return cov, df
