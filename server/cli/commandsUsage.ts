/** `tandem --help`: the commands, each with its own `--help`. */
export const COMMANDS_USAGE = `Usage: tandem COMMAND [options]   (tandem COMMAND --help for its options)

Commands:
  serve      run the server (the default: tandem [options] is tandem serve [options])
  token      mint an access token and print a share link
  export     write a document out as Markdown, HTML, JSON, text or Yjs (works while the server runs)
  import     create a document from a Markdown, HTML, JSON or Yjs file (offline, or --server URL)
  backup     copy every document into a new data directory (works while the server runs)
  restore    copy a backup into the data directory (with the server stopped)
  check      verify every document of the data directory (works while the server runs)
  migrate    copy every document of a data directory into PostgreSQL (with the server stopped)

Options come from flags, else environment variables, else a JSON config file (--config PATH or
TANDEM_CONFIG), else the defaults. Exit codes: 0 done, 1 failed, 2 bad arguments.`;
