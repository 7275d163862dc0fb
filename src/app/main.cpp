// easysale-sync: wiring only; every command lives in src/cli.
#include "cli/commands.h"

int main(int argc, char** argv) { return es::cli::Main(argc, argv); }
