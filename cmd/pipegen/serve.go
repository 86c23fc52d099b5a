package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os/exec"
	"runtime"
	"strings"

	"github.com/pipegen/pipegen/internal/serve"
	"github.com/pipegen/pipegen/internal/site"
	"github.com/pipegen/pipegen/internal/term"
)

var serveCommand = &command{
	name:    "serve",
	args:    "[--addr 127.0.0.1:8080] [--open] [--as-of DATE] [--dir DIR]",
	summary: "preview the dashboard, rebuilt and reloaded on every save",
	help: `
Serve builds the dashboard into memory (it never writes site/) and serves
it. It watches pipeline.yaml and deals/, rebuilds on every save — reading
only the files that changed — and reloads the open pages by itself. While a
file is broken every page shows its errors, as check prints them, and
recovers once the file is fixed; the server keeps running either way.

It listens on loopback only, unless --addr names another address;
--addr :0 picks a free port. Ctrl-C stops it.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		addr := fs.String("addr", "127.0.0.1:8080", "listen on `ADDR` (host:port; :0 picks a free port on loopback)")
		open := fs.Bool("open", false, "open the dashboard in the browser")
		asOf := fs.String("as-of", "", "show the dashboard as of `DATE`; default as_of in pipeline.yaml, else today")
		return func(ctx context.Context, e *env, args []string) error {
			if len(args) > 0 {
				return &usageError{msg: fmt.Sprintf("serve takes no arguments, got %q", args[0]), hint: "pass the repository with --dir"}
			}
			flagAsOf, err := parseDateFlag("as-of", *asOf)
			if err != nil {
				return err
			}
			if err := isRepoDir(*dir); err != nil {
				return err
			}
			listen := *addr
			if strings.HasPrefix(listen, ":") {
				listen = "127.0.0.1" + listen // loopback unless an address is named
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return &usageError{msg: fmt.Sprintf("--addr %s: %v", *addr, err), hint: "choose another port, or --addr :0 for a free one"}
			}
			p, _ := e.loader.ReadPipeline(*dir)
			repoURL := repositoryURL(p, e.getenv)
			srv := serve.New(serve.Options{
				Dir: *dir, AsOf: flagAsOf, Loader: e.loader,
				Site:    site.Options{EditBase: editBase(repoURL, e.getenv), CommitBase: commitBase(repoURL)},
				Log:     e.stderr,
				Color:   useColor(isTerminal(e.stderr), e.getenv),
				Sources: sourceReader(e, *dir),
			})
			ctx, stop := interruptible(ctx)
			defer stop()
			srv.Rebuild(nil, true)
			url := "http://" + ln.Addr().String() + "/"
			fmt.Fprintf(e.stdout, "serving %s at %s (Ctrl-C to stop)\n", term.Clean(p.Name), url)
			if *open {
				openBrowser(url)
			}
			return srv.Run(ctx, ln)
		}
	},
}

// openBrowser opens url in the desktop's browser, if there is one.
func openBrowser(url string) {
	name := "xdg-open"
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name = "explorer"
	}
	if p, err := exec.LookPath(name); err == nil {
		exec.Command(p, url).Start()
	}
}
