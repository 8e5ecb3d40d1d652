# How many copies of each child the national-scale 903 return gets.
# Input: this year's header.csv and episodes.csv, then last year's (in that
# order). Output: CHILD,COPIES lines for every child of either year.
# A child with e episodes weighs max(e, 1)^p, p chosen so that this year's
# copies average EPISODES / CHILDREN episodes a child; the weights are scaled
# to CHILDREN copies in all and rounded so that their running sum is exact.
# Children only in last year's return get copies by the same weights, so the
# copies of a child are the same in both years.
BEGIN { FS = ","; if (!CHILDREN) CHILDREN = 100000; if (!EPISODES) EPISODES = 300000 }
FNR == 1 { file++; next }
{
    id = $1
    if (file <= 2) {
        if (!(id in now)) { now[id] = 0; now_ids[++n_now] = id }
        if (file == 2) now[id]++
    } else if (!(id in now)) {
        if (!(id in then)) { then[id] = 0; then_ids[++n_then] = id }
        if (file == 4) then[id]++
    }
}
function weight(e) { return (e > 1 ? e : 1) ^ p }
END {
    lo = 0; hi = 8
    for (it = 0; it < 60; it++) {
        p = (lo + hi) / 2
        sw = se = 0
        for (i = 1; i <= n_now; i++) { w = weight(now[now_ids[i]]); sw += w; se += w * now[now_ids[i]] }
        if (se / sw < EPISODES / CHILDREN) lo = p; else hi = p
    }
    scale = CHILDREN / sw
    spread(now_ids, now, n_now)
    spread(then_ids, then, n_then)
}
# CHILD,COPIES for ids[1..n]: scaled weights rounded by their running sum
function spread(ids, episodes, n,   i, acc, given, k) {
    acc = given = 0
    for (i = 1; i <= n; i++) {
        acc += scale * weight(episodes[ids[i]])
        k = int(acc + 0.5) - given
        given += k
        print ids[i] "," k
    }
}
