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

/* Ctrl-C at the prompt: drop the line being typed and show a fresh prompt, as a shell does.
   Readline (rl_catch_signals stays 1) restores the terminal, calls this, then re-prepares it. */
#include <signal.h>
#include <string.h>
#include <unistd.h>
static void creadline_on_sigint(int sig) {
  (void)sig;
  ssize_t ignored = write(STDOUT_FILENO, "\n", 1);
  (void)ignored;
  rl_replace_line("", 0);
  rl_on_new_line();
  rl_redisplay();
}
static inline void creadline_cancel_line_on_sigint(void) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = creadline_on_sigint;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, NULL);
}
#endif
