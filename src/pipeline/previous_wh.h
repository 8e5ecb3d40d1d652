/* Last year's SSDA903 return from the warehouse: the tables the latest run
 * of the same LA stored for the previous collection year, read from memory
 * by the 903 CSV reader, with the derived placement fields filled as for
 * files. Used by `cscdw run` and `cscdw load` when no previous return is
 * given, and by `cscdw validate --previous-from-warehouse`. */
#ifndef CS_PIPELINE_PREVIOUS_WH_H
#define CS_PIPELINE_PREVIOUS_WH_H

#include "returns/ssda903/ssda903.h"
#include "pipeline/wh_session.h"

typedef struct {
    int found;                 /* 1: the dataset holds last year's return */
    long long run_id;          /* the warehouse run it came from */
    char run_uid[64];
    char loaded_at[32];
    char problem[700];         /* why the warehouse could not be searched or read, or "" */
} cs_previous_wh;

/* Looks for year `last` (the year before the one validated) of LA la_code
 * through wh's connection (made here when wh has none yet, and left open).
 * Never an operational failure: no warehouse yet (a local one not created,
 * then not connected to) or none stored is found 0; a warehouse that cannot
 * be reached, or a stored return that cannot be read, is found 0 with
 * problem saying why, so the rules that need it are reported not run. When
 * found, *out is a 903
 * dataset to cs_ds_free. groups: the tables to read (0 = all; see
 * cs_903_read_csv_dir_only). pc, la_ons: for the derived fields (may be NULL). */
void cs_previous_903_from_warehouse(cs_wh_session *wh, const char *la_code,
                                    const cs_903_year *last, uint64_t groups,
                                    const cs_903_postcodes *pc,
                                    const char *la_ons, cs_dataset *out, cs_previous_wh *info);

/* One line for a summary: "2024-25 from the warehouse: run 3 (UID), loaded
 * 2026-04-20 09:15". */
void cs_previous_wh_describe(const cs_previous_wh *p, const cs_903_year *last, char *buf,
                             size_t n);

#endif
