// Package edit changes deal files the way a person would: it adds text to
// the file and leaves every other byte — comments, order, quoting, blank
// lines — exactly as it was.
package edit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/pipegen/pipegen/internal/model"
)

// Move is a history entry to add, with the fields a rep sets along with
// it (a proposal's value and close date).
type Move struct {
	Stage  string
	Date   model.Date
	Reason string
	// Value, when set, becomes the deal's value.
	Value    model.Money
	HasValue bool
	// ExpectedClose, when not zero, becomes the deal's expected_close.
	ExpectedClose model.Date
}

// AppendMove returns src with m added as the last entry of its history, in
// the style of the entries already there (block or flow), with the same
// indentation and line endings, and the fields m sets set. The result is
// read back before it is returned: unless it is exactly the old deal with
// those fields and the new last move, it is an error, and nothing should
// be written.
func AppendMove(src []byte, m Move) ([]byte, error) {
	out := src
	var err error
	if m.HasValue {
		if out, err = setField(out, "value", m.Value.String()); err != nil {
			return nil, err
		}
	}
	if !m.ExpectedClose.IsZero() {
		if out, err = setField(out, "expected_close", m.ExpectedClose.String()); err != nil {
			return nil, err
		}
	}
	if out, err = appendMove(out, m); err != nil {
		return nil, err
	}
	if err := verifyAppend(src, out, m); err != nil {
		return nil, err
	}
	return out, nil
}

func appendMove(src []byte, m Move) ([]byte, error) {
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return nil, fmt.Errorf("the deal does not parse: %w", err)
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return nil, errors.New("the deal file is empty")
	}
	root, ok := f.Docs[0].Body.(*ast.MappingNode)
	if !ok {
		return nil, errors.New("the deal file is not a mapping of fields")
	}
	var history ast.Node
	for _, mv := range root.Values {
		if mv.Key.GetToken().Value == "history" {
			history = mv.Value
		}
	}
	// "history: !!seq" and "history: &h" name the list they stand before.
	for {
		if tag, ok := history.(*ast.TagNode); ok && tag.Start.Value == "!!seq" {
			history = tag.Value
		} else if anchor, ok := history.(*ast.AnchorNode); ok {
			history = anchor.Value
		} else {
			break
		}
	}
	seq, ok := history.(*ast.SequenceNode)
	if !ok || len(seq.Values) == 0 {
		return nil, errors.New("the deal has no history to add a move to")
	}
	nl := "\n"
	if bytes.Contains(src, []byte("\r\n")) {
		nl = "\r\n"
	}
	if seq.IsFlowStyle {
		return appendFlow(src, seq, m)
	}
	last := seq.Values[len(seq.Values)-1]
	dash := seq.Entries[len(seq.Entries)-1].Start.Position
	lines := splitKeep(src)
	end := maxLine(last) // 1-based line of the last entry's last token
	if end > len(lines) {
		end = len(lines)
	}
	indent := strings.Repeat(" ", dash.Column-1)
	var entry string
	if lm, ok := last.(*ast.MappingNode); ok && lm.IsFlowStyle {
		entry = indent + "- " + flowMove(m) + nl
	} else {
		// Line the keys up as the previous entry does ("-   stage:" too).
		keyCol := dash.Column + 2
		if lm, ok := last.(*ast.MappingNode); ok && len(lm.Values) > 0 {
			keyCol = max(lm.Values[0].Key.GetToken().Position.Column, dash.Column+2)
		}
		inner := strings.Repeat(" ", keyCol-1)
		entry = indent + "-" + strings.Repeat(" ", keyCol-dash.Column-1) + "stage: " + Scalar(m.Stage) + nl + inner + "date: " + m.Date.String() + nl
		if m.Reason != "" {
			entry += inner + "reason: " + Scalar(m.Reason) + nl
		}
	}
	// The last line of the file may have no line ending.
	if end == len(lines) && !bytes.HasSuffix(lines[end-1], []byte("\n")) {
		lines[end-1] = append(lines[end-1], []byte(nl)...)
	}
	var out bytes.Buffer
	for i, l := range lines {
		out.Write(l)
		if i == end-1 {
			out.WriteString(entry)
		}
	}
	return out.Bytes(), nil
}

// appendFlow adds m before the closing bracket of a flow history.
func appendFlow(src []byte, seq *ast.SequenceNode, m Move) ([]byte, error) {
	if seq.End == nil || seq.End.Position == nil {
		return nil, errors.New("cannot find the end of the history list")
	}
	at := seq.End.Position.Offset - 1 // offset of "]"
	if at < 0 || at >= len(src) || src[at] != ']' {
		// Offsets count runes in some versions: find the bracket from the line.
		at = offsetOf(src, seq.End.Position.Line, seq.End.Position.Column)
	}
	if at < 0 || src[at] != ']' {
		return nil, errors.New("cannot find the end of the history list")
	}
	var out bytes.Buffer
	out.Write(bytes.TrimRight(src[:at], " \t"))
	out.WriteString(", " + flowMove(m))
	out.Write(src[at:])
	return out.Bytes(), nil
}

// offsetOf returns the byte offset of a 1-based line and rune column.
func offsetOf(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(src); c++ {
		_, size := decodeRune(src[off:])
		off += size
	}
	if off >= len(src) {
		return -1
	}
	return off
}

func decodeRune(b []byte) (rune, int) {
	r := []rune(string(b[:min(len(b), 4)]))
	if len(r) == 0 {
		return 0, 1
	}
	return r[0], len(string(r[0]))
}

func flowMove(m Move) string {
	s := "{stage: " + Scalar(m.Stage) + ", date: " + m.Date.String()
	if m.Reason != "" {
		s += ", reason: " + Scalar(m.Reason)
	}
	return s + "}"
}

// maxLine returns the last line on which a node has a token.
func maxLine(n ast.Node) int {
	line := 0
	see := func(tk *token.Token) {
		if tk != nil && tk.Position != nil && tk.Position.Line > line {
			line = tk.Position.Line
		}
	}
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		switch v := n.(type) {
		case nil:
		case *ast.MappingNode:
			see(v.End)
			for _, mv := range v.Values {
				walk(mv)
			}
		case *ast.MappingValueNode:
			walk(v.Key)
			walk(v.Value)
		case *ast.SequenceNode:
			see(v.End)
			for _, x := range v.Values {
				walk(x)
			}
		case *ast.LiteralNode:
			see(v.Start)
			if v.Value != nil {
				see(v.Value.GetToken())
				line += strings.Count(strings.TrimRight(v.Value.Value, "\n"), "\n") + 1
			}
		default:
			see(n.GetToken())
		}
	}
	walk(n)
	return line
}

// splitKeep splits text into lines, each keeping its line ending.
func splitKeep(src []byte) [][]byte {
	var lines [][]byte
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			lines = append(lines, src)
			break
		}
		lines = append(lines, src[:i+1])
		src = src[i+1:]
	}
	return lines
}
