package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	iofs "io/fs"

	"github.com/pipegen/pipegen/internal/schema"
)

var schemaCommand = &command{
	name:    "schema",
	args:    "[deal|pipeline] [--write] [--dir DIR]",
	summary: "print the JSON Schema of deal files or pipeline.yaml, for editors",
	help: `
Schema prints the JSON Schema (draft 2020-12) of a deal file (the default)
or of pipeline.yaml, so that an editor checks and completes the files while
you type. The deal schema lists the stages, owners, sources and lost reasons
of the repository's pipeline.yaml; without a pipeline.yaml that reads
cleanly, it prints the generic schema and says so on stderr.

--write writes both into the repository instead, as .pipegen/deal.schema.json
and .pipegen/pipeline.schema.json. Commit the .pipegen folder: every editor
of the team then gets them. The deal schema is a copy of what pipeline.yaml
says, so run pipegen schema --write again after changing its stages,
owners, sources or lost reasons (and after upgrading pipegen), and commit
the result with the change; pipegen check warns when a schema in .pipegen
is out of date.

To wire them into VS Code (with its YAML extension) or any editor that
uses yaml-language-server, put this as the first line of a deal file:

	# yaml-language-server: $schema=../.pipegen/deal.schema.json

(one more ../ for each sub-folder of deals/), and this as the first line of
pipeline.yaml:

	# yaml-language-server: $schema=.pipegen/pipeline.schema.json

Alternatively, map the schemas to files once in the editor's settings
(yaml.schemas in VS Code) instead of a line in each file.`,
	flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
		dir := dirFlag(fs)
		write := fs.Bool("write", false, "write both schemas into the repository's .pipegen folder instead of printing one")
		return func(_ context.Context, e *env, args []string) error {
			which := "deal"
			if len(args) > 0 {
				which = args[0]
			}
			const hint = "run pipegen schema deal or pipegen schema pipeline"
			if len(args) > 1 {
				return &usageError{msg: fmt.Sprintf("schema takes one argument, got %q too", args[1]), hint: hint}
			}
			if which != "deal" && which != "pipeline" {
				return &usageError{msg: fmt.Sprintf("unknown schema %q: there is one for a deal and one for pipeline", which), hint: hint}
			}
			if *write {
				if len(args) > 0 {
					return &usageError{msg: "--write writes both schemas: give no argument", hint: "run pipegen schema --write"}
				}
				written, note, err := schema.Write(*dir)
				if errors.Is(err, iofs.ErrNotExist) && len(written) == 0 {
					return &usageError{msg: fmt.Sprintf("--dir %s: %v", *dir, err), hint: "pass the folder that holds pipeline.yaml"}
				}
				if note != "" {
					fmt.Fprintf(e.stderr, "pipegen: note: %s\n", note)
				}
				for _, f := range written {
					fmt.Fprintf(e.stdout, "wrote %s\n", f)
				}
				return err
			}
			var out []byte
			var err error
			if which == "pipeline" {
				out, err = schema.Pipeline()
			} else {
				var note string
				out, note, err = schema.DealForRepo(*dir)
				if err != nil {
					return &usageError{msg: fmt.Sprintf("--dir %s: %v", *dir, err), hint: "pass the folder that holds pipeline.yaml"}
				}
				if note != "" {
					fmt.Fprintf(e.stderr, "pipegen: note: %s\n", note)
				}
			}
			if err != nil {
				return err
			}
			_, err = e.stdout.Write(out)
			return err
		}
	},
}
