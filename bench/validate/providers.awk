# Ofsted list rows for the synthetic LA's placement URNs, so the bench's
# provider rules (1008, 219, 221, 224, 229) judge the return rather than an
# Ofsted list that does not know the LA's fictional providers.
# Input: the repository's providers.tsv, postcodes.tsv, then the LA's 903
# episodes.csv files. Output: providers.tsv rows (no header) for the URNs the
# list does not hold: the PLACE and PLACE_PROVIDER codes of at least 1% (and
# 2) of the URN's episodes, so the odd defect stays a finding; the commonest
# placement postcode of its homes (K1 K2 K3 R3 S1) and that postcode's LA.
BEGIN { FS = "\t"; OFS = "\t" }
FNR == 1 { file++; if (file >= 3) { FS = ","; $0 = $0 } }
file == 1 { known[$1] = 1; next }
file == 2 { if (FNR > 1) la[pc_key($1)] = $5; next }
FNR == 1 {
    sub(/\r$/, "")
    for (i = 1; i <= NF; i++)
        col[$i] = i
    next
}
{
    sub(/\r$/, "")
    urn = $col["URN"]
    if (urn == "" || urn == "XXXXXXX" || (urn in known))
        next
    if (!(urn in n))
        urns[++nurns] = urn
    n[urn]++
    place[urn, $col["PLACE"]]++
    prov[urn, $col["PLACE_PROVIDER"]]++
    if ($col["PLACE"] ~ /^(K1|K2|K3|R3|S1)$/ && $col["PL_POST"] != "")
        post[urn, $col["PL_POST"]]++
}
function pc_key(p) { p = toupper(p); gsub(/ /, "", p); return p }
# the codes (blank left out) held by at least 1% and 2 of urn's episodes, sorted
function common(count, urn,   k, parts, code, list, m, i, j, t) {
    m = 0
    for (k in count) {
        split(k, parts, SUBSEP)
        code = parts[2]
        if (parts[1] == urn && code != "" && count[k] >= 2 && count[k] * 100 >= n[urn])
            list[++m] = code
    }
    for (i = 2; i <= m; i++)
        for (j = i; j > 1 && list[j - 1] > list[j]; j--) {
            t = list[j]; list[j] = list[j - 1]; list[j - 1] = t
        }
    t = ""
    for (i = 1; i <= m; i++)
        t = t (i > 1 ? "," : "") list[i]
    return t
}
END {
    for (u = 1; u <= nurns; u++) {
        urn = urns[u]
        best = ""
        for (k in post) {
            split(k, parts, SUBSEP)
            if (parts[1] == urn && (best == "" || post[k] > post[urn, best] ||
                                    (post[k] == post[urn, best] && parts[2] < best)))
                best = parts[2]
        }
        print urn, "Synthetic provider (bench)", common(place, urn), common(prov, urn), "",
              best, best == "" ? "" : la[pc_key(best)]
    }
}
