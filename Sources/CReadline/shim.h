#ifndef ATTUNE_CREADLINE_SHIM_H
#define ATTUNE_CREADLINE_SHIM_H
/* FILE first: older readline and libedit compat headers need it. */
#include <stdio.h>
#include <readline/readline.h>
#include <readline/history.h>

/* Setters for readline's mutable globals: Swift 6 cannot touch C globals directly. */
static inline void creadline_set_name(const char *name) { rl_readline_name = name; }
static inline void creadline_disable_bracketed_paste(void) {
  rl_variable_bind("enable-bracketed-paste", "off");
}
#endif
