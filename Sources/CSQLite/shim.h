#include <sqlite3.h>

/* Turns off SQLite's memory statistics, which take one process-wide mutex
 * on every allocation and free: every partition's threads met on it.
 * sqlite3_config is variadic, which Swift cannot call; it works only before
 * SQLite initializes, and is otherwise refused (SQLITE_MISUSE), harmlessly. */
static inline int strata_sqlite_disable_memory_statistics(void)
{
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
