// `user add|list|remove`: the dashboard's local users (server/api_auth.h).
//
// `user add --tenant T --email E --role admin|user` asks for the password
// twice on the terminal without echo, or reads one line from standard input
// with --password-stdin (for scripts). The password is hashed with argon2id
// (libsodium) and never printed. Adding an existing email replaces its role
// and password (and keeps its sessions: remove the user to end them).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "common/clock.h"
#include "server/api_auth.h"

namespace es::cli {
namespace {

struct UserArgs {
  Common common;
  std::string email;
  std::string role = "user";
  bool password_stdin = false;
};

// One line from the terminal with echo off; nullopt-like "" + false on EOF.
bool ReadHidden(const char* prompt, std::string* out) {
  fprintf(stderr, "%s", prompt);
  fflush(stderr);
  termios old{};
  const bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *out));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if (!out->empty() && out->back() == '\r') out->pop_back();
  return ok;
}

int RunUserAdd(const UserArgs& a) {
  std::string password;
  if (a.password_stdin) {
    if (!std::getline(std::cin, password)) return FailLine(Status::Validation("no password on standard input"));
    if (!password.empty() && password.back() == '\r') password.pop_back();
  } else {
    if (!isatty(STDIN_FILENO)) {
      return FailLine(Status::Validation("standard input is not a terminal: pass the password with --password-stdin"));
    }
    std::string again;
    if (!ReadHidden("Password: ", &password) || !ReadHidden("Password again: ", &again)) {
      return FailLine(Status::Validation("no password entered"));
    }
    if (password != again) return FailLine(Status::Validation("the two passwords differ"));
  }
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  auto existing = store->GetUser(a.common.tenant, a.email);
  Status s = server::AddUser(*store, a.common.tenant, a.email, a.role, password, SystemClock::Get().NowMillis());
  if (!s.ok()) return s.IsValidation() ? FailLine(s) : Fail("saving user", s);
  const bool replaced = existing.ok() && existing->has_value();
  if (a.common.json) {
    printf("%s\n", DumpJson({{"tenant", a.common.tenant}, {"email", a.email}, {"role", a.role},
                             {"replaced", replaced}}).c_str());
  } else {
    printf("user %s %s in tenant %s (role %s)\n", a.email.c_str(), replaced ? "updated" : "added",
           a.common.tenant.c_str(), a.role.c_str());
  }
  return 0;
}

int RunUserList(const Common& c) {
  int rc = 0;
  auto store = OpenForTenant(c, &rc);
  if (!store) return rc;
  auto users = store->ListUsers(c.tenant);
  if (!users.ok()) return Fail("listing users", users.status());
  Json out = Json::array();
  for (const auto& u : *users) {
    out.push_back({{"email", u.email}, {"role", u.role}, {"created_at", FormatIso8601Utc(u.created_at_ms)}});
  }
  if (c.json) {
    printf("%s\n", DumpJson(out).c_str());
    return 0;
  }
  if (out.empty()) {
    printf("no users in tenant %s: add one with `easysale-sync user add --tenant %s --email … --role admin`\n",
           c.tenant.c_str(), c.tenant.c_str());
    return 0;
  }
  printf("%-40s %-6s %s\n", "EMAIL", "ROLE", "CREATED");
  for (const auto& u : out) {
    printf("%-40s %-6s %s\n", u["email"].get<std::string>().c_str(), u["role"].get<std::string>().c_str(),
           u["created_at"].get<std::string>().c_str());
  }
  return 0;
}

int RunUserRemove(const UserArgs& a) {
  int rc = 0;
  auto store = OpenForTenant(a.common, &rc);
  if (!store) return rc;
  Status s = store->DeleteUser(a.common.tenant, a.email);
  if (s.IsNotFound()) return FailLine(Status::Validation("no user " + a.email + " in tenant " + a.common.tenant));
  if (!s.ok()) return Fail("removing user", s);
  printf("user %s removed from tenant %s (signed out everywhere)\n", a.email.c_str(), a.common.tenant.c_str());
  return 0;
}

}  // namespace

void AddUserCommands(CLI::App& app) {
  auto* user = app.add_subcommand("user", "Dashboard users of a tenant (sign-in with email and password)");
  user->require_subcommand(1);

  auto add = std::make_shared<UserArgs>();
  auto* a = user->add_subcommand("add", "Add a user or replace their role and password");
  AddCommon(a, add->common);
  a->add_option("--email", add->email, "the user's email (their sign-in name)")->required();
  a->add_option("--role", add->role, "admin or user")->check(CLI::IsMember({"admin", "user"}));
  a->add_flag("--password-stdin", add->password_stdin, "read the password from standard input (one line)");
  a->callback([add] { SetExitCode(RunUserAdd(*add)); });

  auto list = std::make_shared<Common>();
  auto* l = user->add_subcommand("list", "List the tenant's users");
  AddCommon(l, *list);
  l->callback([list] { SetExitCode(RunUserList(*list)); });

  auto rm = std::make_shared<UserArgs>();
  auto* r = user->add_subcommand("remove", "Remove a user and end their sessions");
  AddCommon(r, rm->common);
  r->add_option("--email", rm->email, "the user's email")->required();
  r->callback([rm] { SetExitCode(RunUserRemove(*rm)); });
}

}  // namespace es::cli
