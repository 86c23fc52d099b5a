package edit

import (
	"bytes"
	"errors"
	"regexp"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// errFieldLayout is a field that cannot be set without rewriting more of
// the file than its own line.
var errFieldLayout = errors.New("the field could not be set safely in this file's layout: nothing was changed; set it by hand")

// setField returns src with the top-level field key set to value, a YAML
// scalar as it is to be written. A field written on one line gets the new
// value in place of the old, keeping its comment; a field that is not
// there is added on a line of its own before history.
func setField(src []byte, key, value string) ([]byte, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, errFieldLayout
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, errFieldLayout
	}
	root, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok || root.IsFlowStyle {
		return nil, errFieldLayout
	}
	lines := splitKeep(src)
	var history *ast.MappingValueNode
	for _, mv := range root.Values {
		switch mv.Key.GetToken().Value {
		case key:
			line := mv.Key.GetToken().Position.Line
			if line < 1 || line > len(lines) || maxLine(mv) > line {
				return nil, errFieldLayout // a value that runs over several lines
			}
			l, ok := replaceValue(lines[line-1], key, value)
			if !ok {
				return nil, errFieldLayout
			}
			lines[line-1] = l
			return bytes.Join(lines, nil), nil
		case "history":
			history = mv
		}
	}
	if history == nil {
		return nil, errFieldLayout
	}
	tk := history.Key.GetToken()
	line := tk.Position.Line
	if line < 1 || line > len(lines) {
		return nil, errFieldLayout
	}
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
	}
	indent := bytes.Repeat([]byte(" "), tk.Position.Column-1)
	added := append(append(indent, key+": "+value...), nl...)
	out := make([][]byte, 0, len(lines)+1)
	out = append(out, lines[:line-1]...)
	out = append(out, added)
	out = append(out, lines[line-1:]...)
	return bytes.Join(out, nil), nil
}

// fieldLine matches "key: value  # comment" on one line, value and comment
// optional.
var fieldLine = regexp.MustCompile(`^(\s*)([A-Za-z_]+)(\s*:)[ \t]*(.*?)([ \t]+#.*?)?(\r?\n)?$`)

// replaceValue writes value in place of the value on a "key: value" line.
func replaceValue(line []byte, key, value string) ([]byte, bool) {
	m := fieldLine.FindSubmatch(line)
	if m == nil || string(m[2]) != key {
		return nil, false
	}
	var b bytes.Buffer
	b.Write(m[1])
	b.Write(m[2])
	b.Write(m[3])
	b.WriteString(" " + value)
	b.Write(m[5])
	b.Write(m[6])
	return b.Bytes(), true
}
