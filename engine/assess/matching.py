"""Object-level matching: each predicted object pairs with at most one reference object and vice versa.

A pair may match only if its IoU (intersection area / union area of the two polygons) is at least `min_iou`.
Among the possible pairs, the matching with the MOST pairs is chosen, and among those the one with the highest
total IoU (the Hungarian algorithm, scipy's linear_sum_assignment, with weight K + IoU per pair, K larger than
any total IoU). So a prediction that covers two reference objects counts once: it can be the match of one of
them at most, the other is missed. With `min_iou` ≥ 0.5 every object has at most one possible partner anyway.

Why sparse: a scene can hold thousands of objects on each side, a dense IoU matrix would not fit. Candidate
pairs come from an STRtree, and the assignment is solved per connected group of candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from shapely.geometry.base import BaseGeometry


@dataclass
class Matching:
    pairs: list[tuple[int, int, float]]  # (predicted index, reference index, IoU), sorted by predicted index
    best_pred: np.ndarray  # per predicted object: its best IoU with any reference object (0: none touches)
    best_pred_index: np.ndarray  # ... and that reference object's index (-1: none)
    best_ref: np.ndarray  # per reference object: its best IoU with any predicted object
    best_ref_index: np.ndarray  # ... and that predicted object's index (-1: none)

    @property
    def matched_pred(self) -> set[int]:
        return {i for i, _, _ in self.pairs}

    @property
    def matched_ref(self) -> set[int]:
        return {j for _, j, _ in self.pairs}


def iou_pairs(
    predicted: list[BaseGeometry], reference: list[BaseGeometry]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(predicted index, reference index, IoU) of every pair of intersecting objects."""
    if not predicted or not reference:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    pred = np.asarray(predicted, dtype=object)
    ref = np.asarray(reference, dtype=object)
    tree = shapely.STRtree(ref)
    pi, rj = tree.query(pred, predicate="intersects")
    if len(pi) == 0:
        return pi, rj, np.zeros(0)
    inter = shapely.area(shapely.intersection(pred[pi], ref[rj]))
    union = shapely.area(pred[pi]) + shapely.area(ref[rj]) - inter
    iou = np.where(union > 0, inter / np.maximum(union, 1e-300), 0.0)
    keep = iou > 0
    return pi[keep], rj[keep], iou[keep]


def match(predicted: list[BaseGeometry], reference: list[BaseGeometry], min_iou: float = 0.5) -> Matching:
    n_p, n_r = len(predicted), len(reference)
    pi, rj, iou = iou_pairs(predicted, reference)
    best_pred, best_pred_index = _best(pi, rj, iou, n_p)
    best_ref, best_ref_index = _best(rj, pi, iou, n_r)
    ok = iou >= min_iou
    pi, rj, iou = pi[ok], rj[ok], iou[ok]
    pairs: list[tuple[int, int, float]] = []
    if len(pi):
        # bipartite graph: predicted objects are nodes 0..n_p-1, reference objects n_p..n_p+n_r-1
        graph = coo_matrix((np.ones(len(pi)), (pi, rj + n_p)), shape=(n_p + n_r, n_p + n_r))
        _, labels = connected_components(graph, directed=False)
        group = labels[pi]
        order = np.argsort(group, kind="stable")
        bounds = np.flatnonzero(np.diff(group[order])) + 1
        for idx in np.split(order, bounds):
            pairs += _assign(pi[idx], rj[idx], iou[idx])
    pairs.sort()
    return Matching(pairs, best_pred, best_pred_index, best_ref, best_ref_index)


def _assign(pi: np.ndarray, rj: np.ndarray, iou: np.ndarray) -> list[tuple[int, int, float]]:
    """Maximum-cardinality, then maximum-IoU one-to-one pairs of one connected group of candidates."""
    if len(pi) == 1:
        return [(int(pi[0]), int(rj[0]), float(iou[0]))]
    rows, row_index = np.unique(pi, return_inverse=True)
    cols, col_index = np.unique(rj, return_inverse=True)
    k = float(min(len(rows), len(cols)) + 1)  # one more pair always outweighs any gain in total IoU
    weight = np.zeros((len(rows), len(cols)))
    weight[row_index, col_index] = k + iou
    r, c = linear_sum_assignment(weight, maximize=True)
    out = []
    for a, b in zip(r.tolist(), c.tolist(), strict=True):
        if weight[a, b] > 0:
            out.append((int(rows[a]), int(cols[b]), float(weight[a, b] - k)))
    return out


def _best(own: np.ndarray, other: np.ndarray, iou: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    best = np.zeros(n)
    index = np.full(n, -1, dtype=np.int64)
    if len(own):
        order = np.lexsort((-iou, own))  # by object, highest IoU first
        first = np.ones(len(order), dtype=bool)
        first[1:] = own[order][1:] != own[order][:-1]
        sel = order[first]
        best[own[sel]] = iou[sel]
        index[own[sel]] = other[sel]
    return best, index
