/* Real postcodes (ONS postcode directory, open data) taken from
 * shared/reference/postcodes-sample.tsv, by distance group from the home LA
 * (E09000027). "absent" postcodes have the right shape but are not in the
 * directory (for invalid-postcode defects). Regenerate with the sample. */
#include "synth/gen_internal.h"

const char *const syn_postcodes_home[] = {
    "KT1 4AW", "KT1 4HG", "KT1 4XZ", "SW13 0AJ", "SW13 0DB", "SW13 0DR", "SW13 0ET",
    "SW13 0JY", "SW13 0NW", "SW13 0WA", "SW13 0WE", "SW13 0YL", "SW13 3DF", "SW13 8HJ",
    "SW13 9AJ", "SW13 9DG", "SW13 9EW", "SW13 9LJ", "SW13 9NG", "SW13 9NU", "SW13 9PE",
    "SW13 9QJ", "SW13 9RE", "SW13 9SE", "SW14 7AA", "SW14 7BZ", "SW14 7JB", "SW14 7NN",
    "SW14 7QU", "SW14 7YR", "SW14 8BG", "SW14 8EL", "SW14 8HJ", "SW14 8LL", "SW14 8SB",
    "SW14 8SN", "SW14 8UB", "SW14 9BB", "SW14 9DS", "TW1 1ED", "TW1 1JT", "TW1 1NP",
    "TW1 1RW", "TW1 1UF", "TW1 2AR", "TW1 2DP", "TW1 2EH", "TW1 2NE", "TW1 2PJ", "TW1 3AS",
    "TW1 3HG", "TW1 3JL", "TW1 3LN", "TW1 3QE", "TW1 3SN", "TW1 3UJ", "TW1 3WB", "TW1 4AR",
    "TW1 4BX", "TW1 4FQ", "TW1 4LF", "TW1 4LT", "TW1 4QD", "TW1 4SG", "TW1 4SX", "TW1 4XL",
    "TW1 4YG", "TW1 9BT", "TW1 9EW", "TW1 9GH", "TW1 9LA", "TW1 9LZ", "TW1 9WZ", "TW10 5BS",
    "TW10 5DE", "TW10 5EE", "TW10 5LL", "TW10 6BT", "TW10 6EX", "TW10 6JG", "TW10 6LD",
    "TW10 6PJ", "TW10 6SL", "TW10 6YL", "TW10 6ZR", "TW10 7BD", "TW10 7BZ", "TW10 7DQ",
    "TW10 7EG", "TW10 7FB", "TW10 7HY", "TW10 7QF", "TW10 7SB", "TW10 7TX", "TW10 7XJ",
    "TW10 7XX", "TW11 0AN", "TW11 0DA", "TW11 0HA", "TW11 0JP", "TW11 0LQ", "TW11 0TY",
    "TW11 0UW", "TW11 1EU", "TW11 8FL", "TW11 8HW", "TW11 8LB", "TW11 8NQ", "TW11 8PT",
    "TW11 8RS", "TW11 8XJ", "TW11 9AH", "TW11 9BJ", "TW11 9HY", "TW11 9LN", "TW11 9PL",
    "TW11 9PZ", "TW11 9QP", "TW11 9RE", "TW11 9SQ", "TW11 9TW", "TW11 9YX", "TW12 1BE",
    "TW12 1SA", "TW12 1TS", "TW12 1WF", "TW12 1YB", "TW12 2ES", "TW12 2JA", "TW12 2JR",
    "TW12 2QL", "TW12 2RL", "TW12 2SA", "TW12 2TU", "TW12 2XX", "TW12 3DN", "TW12 3ER",
    "TW12 3QD", "TW12 3RZ", "TW12 3WS", "TW12 3XU", "TW12 3YP", "TW12 9DW", "TW2 5DB",
    "TW2 5EN", "TW2 5HJ", "TW2 5NW", "TW2 5QW", "TW2 5TY", "TW2 5XL", "TW2 5ZY", "TW2 6ER",
    "TW2 6HZ", "TW2 6PP", "TW2 6QD", "TW2 6TY", "TW2 6WE", "TW2 7AT", "TW2 7DA", "TW2 7EU",
};

const char *const syn_postcodes_near[] = {
    "CR0 0NP", "CR0 6RB", "CR0 9DD", "CR2 8AU", "CR4 8HG", "CR7 6BT", "CR8 5JR", "CR9 1AS",
    "SE19 2NY", "SE25 4UX", "HA0 1EA", "UB1 2UW", "UB1 9GA", "UB5 5TR", "UB5 6YZ",
    "UB6 9AW", "W13 0XD", "W3 7PU", "W5 3AS", "W5 5HY", "HA4 0DP", "HA4 7YP", "HA6 1NS",
    "UB10 8PY", "UB3 1LQ", "UB3 5DJ", "UB3 9QD", "UB4 9JJ", "UB8 2BX", "UB8 9BW", "TW1 9TH",
    "TW13 5JS", "TW13 9GU", "TW14 9BN", "TW3 3DU", "TW3 9HR", "TW5 0HF", "TW8 8EG",
    "W4 1YF", "W4 3JB", "KT1 2FD", "KT1 9RE", "KT2 5SL", "KT2 6JD", "KT2 7NT", "KT3 4LB",
    "KT5 8XA", "KT6 4EJ", "KT6 6NG", "KT9 1HF", "SE1 8TF", "SE24 0QB", "SE27 9PG",
    "SW16 2XF", "SW16 5XZ", "SW2 2RW", "SW2 5QT", "SW4 7NA", "SW8 4SP", "SW9 8JW",
    "CR4 1JG", "CR4 2WY", "CR4 9FB", "SM4 5RD", "SM4 9EE", "SW19 1TU", "SW19 4NB",
    "SW19 7ZU", "SW19 9FT", "SW20 0SP", "CR0 4QG", "CR9 3AP", "SM1 1ER", "SM1 3HZ",
    "SM1 4HT", "SM1 9NA", "SM2 7AH", "SM3 9BJ", "SM5 9BG", "SM6 7FA", "SW11 1LU",
    "SW11 9FQ", "SW12 8QZ", "SW15 2DQ", "SW15 3ZR", "SW16 6PR", "SW18 1AN", "SW18 3HA",
    "SW18 9TQ", "SW8 3HF", "SW1P 2HH", "SW1X 8QS", "W1A 6YQ", "W1G 6NN", "W1H 7HD",
    "W1J 8BU", "W1S 1NJ", "W1W 5QE", "W2 1AG", "W9 1JL", "CR3 5RT", "CR6 9PH", "GU1 4LJ",
    "GU12 5PQ", "GU16 5TT", "GU2 5FD", "GU2 9QR", "GU21 6EG", "GU23 7AX", "GU24 9ZJ",
    "GU27 3SY", "GU3 3HY", "GU8 5DF", "GU9 1EX", "GU9 8QB", "KT10 0XF", "KT11 2HS",
    "KT12 4WF", "KT12 5PL", "KT13 8BP",
};

const char *const syn_postcodes_region[] = {
    "RG1 1QP", "RG1 4UG", "RG1 7BX", "RG1 9GS", "RG2 8RN", "RG3 4LS", "RG30 2XJ",
    "RG30 4ZS", "RG4 5YX", "RG6 4FB", "SL1 0BQ", "SL1 1UH", "SL1 3HU", "SL1 4JX", "SL1 5JE",
    "SL2 1UN", "SL2 2DP", "SL3 0DR", "SL3 7TN", "SL3 8BA", "HP10 8PW", "HP13 6QF",
    "HP18 0WW", "HP21 9QJ", "HP5 1TL", "HP7 0JE", "HP9 9DJ", "LU7 9RR", "SL0 0QD",
    "SL7 2XX", "GU11 1FN", "GU30 7ZH", "GU35 9AS", "PO16 0EN", "RG20 9HL", "RG21 7DE",
    "RG24 4LG", "RG27 9UQ", "SO3 1EY", "SO4 4WR", "AL10 8XG", "AL3 5ES", "AL5 2EQ",
    "AL9 7SX", "CM23 4RZ", "EN8 0TY", "HP2 7AE", "SG11 2JW", "SG2 0HR", "WD17 4QZ",
    "CT1 9TG", "CT14 6GD", "CT21 6EQ", "CT7 0EY", "CT7 9RT", "DA9 9EX", "ME16 0NY",
    "ME6 9FT", "TN18 5JT", "TN24 8RL",
};

const char *const syn_postcodes_national[] = {
    "BS1 1UG", "BS1 6FE", "BS11 0EP", "BS13 0LG", "BS14 0GD", "BS14 9YF", "BS4 1BD",
    "BS8 1TL", "BS99 5JA", "EX23 8JE", "PL15 9HE", "PL17 8QF", "PL30 4DE", "TR1 1JP",
    "TR13 9QY", "TR20 8YL", "TR7 2JH", "NE22 7ER", "NE24 2LQ", "NE42 6HS", "NE46 3NF",
    "NE47 7JX", "NE61 2JA", "NE63 3FB", "NE65 9XE", "M10 6PJ", "M14 6QR", "M19 3EW",
    "M20 6LN", "M21 7GQ", "M22 9QW", "M4 6GS", "M8 8DT", "M90 1NW", "NE13 8AL", "NE3 4RS",
    "NE4 5AD", "NE5 1DH", "NE5 5BU", "NE6 3UE", "NE99 1LX", "NE99 4YF", "B12 9PS",
    "B15 3RG", "B24 9NJ", "B25 8QP", "B27 6JR", "B29 5XY", "B32 2JX", "B45 0NW", "BD3 7BG",
    "LS1 6LB", "LS11 7DR", "LS13 4PW", "LS18 5LQ", "LS26 8XW", "LS28 5EW", "LS4 2YD",
    "WF3 1LQ", "EX16 6BX",
};

const char *const syn_postcodes_absent[] = {
    "SW13 9ZZ", "TW10 9ZZ", "TW2 9ZZ", "KT8 9ZZ", "TW8 9ZZ", "TW5 9ZZ", "KT9 9ZZ",
    "KT4 9ZZ", "SW18 9ZZ", "SW1A 9ZZ", "CR4 9ZZ", "UB3 9ZZ",
};

const size_t syn_postcodes_count[PC_GROUPS] = {
    sizeof syn_postcodes_home / sizeof *syn_postcodes_home,
    sizeof syn_postcodes_near / sizeof *syn_postcodes_near,
    sizeof syn_postcodes_region / sizeof *syn_postcodes_region,
    sizeof syn_postcodes_national / sizeof *syn_postcodes_national,
    sizeof syn_postcodes_absent / sizeof *syn_postcodes_absent,
};

const char *syn_postcode(syn_rng *r, syn_pc_group g)
{
    static const char *const *const groups[PC_GROUPS] = {
        syn_postcodes_home, syn_postcodes_near, syn_postcodes_region,
        syn_postcodes_national, syn_postcodes_absent,
    };
    return groups[g][syn_below(r, (uint32_t)syn_postcodes_count[g])];
}
