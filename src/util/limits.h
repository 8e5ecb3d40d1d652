/* Caps on sizes taken from input, in one place. Exceeding one is a clear
 * CS_ERR_LIMIT error naming the file and position, never a crash. */
#ifndef CS_UTIL_LIMITS_H
#define CS_UTIL_LIMITS_H

#define CS_MAX_FIELD_BYTES   (1u << 20)   /* one field/cell/XML text node: 1 MiB */
#define CS_MAX_ROW_BYTES     (4u << 20)   /* one record, all fields: 4 MiB */
#define CS_MAX_COLUMNS       2048u        /* columns in one row/header */
#define CS_MAX_XML_DEPTH     64u          /* element nesting */
#define CS_MAX_XML_ATTRS     64u          /* attributes on one element */
#define CS_MAX_LINE_COLUMNS  (1u << 24)   /* column numbers reported saturate here */
#define CS_MAX_PROFILE_BYTES (4u << 20)   /* a YAML profile/job file */
#define CS_MAX_RULE_FILE_BYTES (8u << 20) /* one rule file */
#define CS_MAX_PATH          4096u

#endif
