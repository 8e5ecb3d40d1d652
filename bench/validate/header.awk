# The national-scale 903 Header tables: every child's row once per copy
# (copy k's CHILD is k as two digits, then the id), each copy with a UPN of
# its own. Input: copies.csv (CHILD,COPIES), then this year's and last
# year's header.csv; OUT_NOW and OUT_THEN name the files written.
# Copy 1 keeps the child's UPN. Copy k of a UPN (the same in both years, so
# last year's UPN still matches) changes characters 5-12 and recomputes the
# check letter (DfE: sum of digit x position over positions 2-13, mod 23, into
# ABCDEFGHJKLMNPQRTUVWXYZ; a final letter counts as its index there), keeping
# a wrong check letter wrong by the same step. Unknown codes (UN1-UN5) and
# blanks repeat; a malformed UPN gets "-k", so it stays malformed but unique.
BEGIN { FS = OFS = ","; ALPHA = "ABCDEFGHJKLMNPQRTUVWXYZ" }
FNR == 1 { file++ }
file == 1 { copies[$1] = $2; next }
FNR == 1 {
    header[file] = $0
    for (i = 1; i <= NF; i++)
        if ($i == "UPN" || $i == "UPN\r")
            UPN = i
    next
}
{ rows[file, ++nrows[file]] = $0 }
function is_upn(u,   i, c) {
    if (length(u) != 13 || !index(ALPHA, substr(u, 1, 1)))
        return 0
    for (i = 2; i <= 12; i++)
        if (!index("0123456789", substr(u, i, 1)))
            return 0
    c = substr(u, 13, 1)
    return index("0123456789", c) || (c >= "A" && c <= "Z")
}
# 1 + the index of u's correct check letter in ALPHA; 0 when it has none
function check(u,   s, i, v) {
    s = 0
    for (i = 2; i <= 13; i++) {
        v = index("0123456789", substr(u, i, 1)) - 1
        if (v < 0 && i == 13)
            v = index(ALPHA, substr(u, 13, 1)) - 1
        if (v < 0)
            return 0
        s += v * i
    }
    return s % 23 + 1
}
function copy_upn(u, k,   U, key, j, cand, c0, c1) {
    key = u SUBSEP k
    if (k == 1 || (key in upn_of))
        return k == 1 ? u : upn_of[key]
    U = toupper(u)
    if (U == "" || U ~ /^UN[1-5]$/)
        return upn_of[key] = u
    for (j = 0; ; j++) {
        if (!is_upn(U))
            cand = u "-" k (j ? "-" j : "")
        else {
            cand = substr(U, 2, 3) \
                   sprintf("%08d", (substr(U, 5, 8) + (k - 1) * 38196601 + j * 7919) % 100000000) \
                   substr(U, 13, 1)
            c0 = check(U)
            c1 = check("?" cand)
            if (c0 && c1)
                cand = substr(ALPHA, (index(ALPHA, substr(U, 1, 1)) - c0 + c1 - 1 + 46) % 23 + 1, 1) cand
            else
                cand = substr(U, 1, 1) cand
        }
        if (!(cand in taken))
            break
    }
    taken[cand] = 1
    return upn_of[key] = cand
}
END {
    # every original UPN is copy 1 of its child: no other copy may take it
    for (f = 2; f <= 3; f++)
        for (r = 1; r <= nrows[f]; r++) {
            split(rows[f, r], cell, ",")
            taken[toupper(cell[UPN])] = 1
        }
    for (f = 2; f <= 3; f++) {
        out = f == 2 ? OUT_NOW : OUT_THEN
        print header[f] > out
        for (r = 1; r <= nrows[f]; r++) {
            $0 = rows[f, r]
            id = $1
            n = id in copies ? copies[id] : 1
            for (k = 1; k <= n; k++) {
                $0 = rows[f, r]
                $1 = sprintf("%02d%s", k, id)
                $UPN = copy_upn($UPN, k)
                print > out
            }
        }
        close(out)
    }
}
