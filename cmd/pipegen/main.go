package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"syscall"

	"github.com/pipegen/pipegen/internal/term"
)

func main() {
	os.Exit(mainCode())
}

// mainCode runs pipegen with the process's arguments and returns its exit
// code; tests run it as the "pipegen" command of their scripts.
func mainCode() int {
	tuneGC()
	if path := os.Getenv("PIPEGEN_CPUPROFILE"); path != "" {
		stop, err := startProfile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pipegen: PIPEGEN_CPUPROFILE: %v\n", err)
			return exitUsage
		}
		defer stop()
	}
	return exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr)
}

// startProfile writes a CPU profile of the whole command to path, for
// finding where the time of a slow run goes (go tool pprof path).
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}

// interruptible returns a context that ends on Ctrl-C or SIGTERM, for a
// command that shuts down cleanly (serve). Other commands keep the default:
// the signal stops them at once, and a build stopped half-way leaves the
// previous site as it was. A second signal always stops the process.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // restore the default, so that a second Ctrl-C kills
	}()
	return ctx, stop
}

// Exit codes: 0 ok, 1 the input has errors, 2 the command was used wrongly.
const (
	exitOK    = 0
	exitInput = 1
	exitUsage = 2
)

// errInput means the command has reported problems in the user's files; it
// maps to exit code 1 with nothing more to print.
var errInput = errors.New("the input has errors")

// usageError is a command used wrongly: exit code 2.
type usageError struct {
	msg, hint string
}

func (e *usageError) Error() string { return e.msg }

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errInput) {
		return exitInput
	}
	// Messages quote what was typed and the names of files: cleaned, they
	// cannot take over the terminal.
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "pipegen: error: %s\n", term.Clean(ue.msg))
		if ue.hint != "" {
			fmt.Fprintf(stderr, "pipegen: hint: %s\n", term.Lines(ue.hint))
		}
		return exitUsage
	}
	fmt.Fprintf(stderr, "pipegen: error: %s\n", term.Clean(err.Error()))
	return exitInput
}

// tuneGC trades some memory for speed: parsing thousands of YAML files
// makes short-lived garbage, and collecting half as often as Go's default
// makes a build of 10,000 deals 4–8 % faster. Collecting rarer still is
// no faster, and GOGC 800 was slower: the heap then grows into fresh
// memory that the kernel hands over page by page. A soft memory limit
// keeps big pipelines within bounds. The standard GOGC and GOMEMLIMIT
// variables still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(1 << 30)
	}
}
