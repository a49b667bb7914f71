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

/* SIGTERM and SIGHUP (and SIGINT when not at a terminal) end the chat cleanly: the handler only
   records the signal, without SA_RESTART, so a blocked read returns and the chat writes its end
   line. Readline, when reading, treats SIGTERM and SIGHUP as end of input after restoring the
   terminal and calling this handler. */
static volatile sig_atomic_t creadline_stop = 0;
static void creadline_on_stop(int sig) { creadline_stop = sig; }
static inline void creadline_end_on_signals(int include_sigint) {
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = creadline_on_stop;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGHUP, &action, NULL);
  if (include_sigint) sigaction(SIGINT, &action, NULL);
  /* A parent may have started us with these blocked (test runners, some process libraries). */
  sigset_t wanted;
  sigemptyset(&wanted);
  sigaddset(&wanted, SIGTERM);
  sigaddset(&wanted, SIGHUP);
  sigaddset(&wanted, SIGINT);
  sigprocmask(SIG_UNBLOCK, &wanted, NULL);
}
/* The signal that asked the chat to end, or 0. */
static inline int creadline_stop_signal(void) { return creadline_stop; }
#endif
