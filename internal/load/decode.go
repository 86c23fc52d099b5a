package load

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"

	"github.com/pipegen/pipegen/internal/diag"
	"github.com/pipegen/pipegen/internal/model"
	"github.com/pipegen/pipegen/internal/suggest"
)

// decoder walks go-yaml's syntax tree of one file into model values. Walking
// the tree rather than decoding by reflection keeps the position of every
// value, reports every problem in a file instead of the first, and reads
// numbers and dates from the text the user wrote (go-yaml would silently turn
// 0123 into 83 and a bad date into the zero time).
type decoder struct {
	file  string
	diags []diag.Diagnostic
	// fieldStart is the number of diagnostics before the field that fields
	// is handing to its callback: more now means the field is broken.
	fieldStart int
	dropped    int // diagnostics past maxPerFile
}

// done returns the file's diagnostics, with a last one counting those left
// out.
func (d *decoder) done() []diag.Diagnostic {
	if d.dropped > 0 {
		msg := fmt.Sprintf("%d more problems in this file are not shown", d.dropped)
		if d.dropped == 1 {
			msg = "1 more problem in this file is not shown"
		}
		d.diags = append(d.diags, diag.Diagnostic{File: d.file, Severity: diag.Error, Code: "too-many-problems",
			Message: msg,
			Hint:    "fix the ones above first; the file may not be a pipegen file at all"})
	}
	return d.diags
}

// fieldBroken reports whether the field being decoded has had a problem.
func (d *decoder) fieldBroken() bool { return len(d.diags)+d.dropped > d.fieldStart }

// maxPerFile bounds the diagnostics of one file: past it, one more says how
// many were left out. A hostile file cannot flood the output.
const maxPerFile = 50

func (d *decoder) report(sev diag.Severity, p model.Pos, code, hint, format string, args ...any) {
	if len(d.diags) >= maxPerFile {
		d.dropped++
		return
	}
	d.diags = append(d.diags, diag.Diagnostic{
		File: d.file, Line: p.Line, Column: p.Col, Severity: sev,
		Code: code, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

func (d *decoder) errorf(p model.Pos, code, hint, format string, args ...any) {
	d.report(diag.Error, p, code, hint, format, args...)
}

// parse parses src and returns the body of its first document, or nil when
// the file is empty. Syntax errors, further documents and a panic inside the
// parser become diagnostics.
func (d *decoder) parse(src []byte) (body ast.Node, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			d.errorf(model.Pos{Line: 1, Col: 1}, "yaml-syntax", "simplify the YAML around this file's unusual constructs",
				"the YAML parser failed on this file: %v", r)
			body, ok = nil, false
		}
	}()
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(src) {
		d.errorf(firstInvalidUTF8(src), "bad-encoding", "save the file as UTF-8", "the file is not valid UTF-8 text")
		return nil, false
	}
	// parser.ParseBytes in two steps, so that the guard reads the tokens
	// the parser will read.
	tokens := lexer.Tokenize(string(src))
	if p, ok := tooDeep(tokens); ok {
		d.errorf(p, "too-deep", "pipegen files are a few levels deep: a deal is fields, lists of moves and contacts",
			"the YAML is nested more than %d levels deep", maxDepth)
		return nil, false
	}
	if p, ok := tooMany(tokens); ok {
		d.errorf(p, "too-many-entries", "a deal has a few dozen fields and pipeline.yaml a few thousand: split the file, or check that it is a pipegen file",
			"the YAML has more than %d fields and documents", maxEntries)
		return nil, false
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		d.syntaxError(err, src)
		return nil, false
	}
	if len(f.Docs) == 0 {
		return nil, true
	}
	for _, doc := range f.Docs[1:] {
		if doc.Body == nil {
			continue
		}
		p := posOf(doc.Body)
		if doc.Start != nil && doc.Start.Position != nil {
			p = model.Pos{Line: doc.Start.Position.Line, Col: doc.Start.Position.Column}
		}
		d.errorf(p, "multiple-documents", "keep one document per file: move this one into a file of its own",
			"a second YAML document (after ---) is not allowed here")
		break
	}
	return f.Docs[0].Body, true
}

func (d *decoder) syntaxError(err error, src []byte) {
	var ye yaml.Error
	p := model.Pos{Line: 1, Col: 1}
	msg := err.Error()
	if errors.As(err, &ye) {
		msg = ye.GetMessage()
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			p = model.Pos{Line: tk.Position.Line, Col: tk.Position.Column}
		}
	}
	if at, field, value, ok := noSpaceAfterColon(src, p.Line); ok {
		d.errorf(at, "yaml-syntax", fmt.Sprintf("write %s: %s, with a space after the colon: without it, the line is one piece of text, not a field and its value", field, value),
			"a space is missing after %q", field+":")
		return
	}
	code, hint := "yaml-syntax", "check the indentation and quoting on this line and the one before it"
	switch {
	case strings.Contains(msg, "\t"):
		msg = strings.ReplaceAll(msg, "\t", "\\t")
		hint = "YAML does not allow tabs for indentation: indent with spaces"
	case strings.Contains(msg, "already defined"):
		code, hint = "duplicate-field", "remove one of the two, or merge them"
		if i := strings.Index(msg, " at ["); i > 0 {
			msg = msg[:i] + " earlier in the file"
		}
	case strings.Contains(msg, "mapping value is not allowed"):
		hint = "check the indentation of this line and the next; text that contains \": \" must be quoted"
	case strings.Contains(msg, "could not find end character"):
		hint = "close the quoted text with the same quote it opened with"
	}
	d.errorf(p, code, hint, "YAML does not parse: %s", msg)
}

// fieldNoSpace matches a line like "value:36000" or "- stage:won": a field
// name, a colon and a value with no space between them.
var fieldNoSpace = regexp.MustCompile(`^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*):([^\s:/#][^#]*)`)

// noSpaceAfterColon looks at the line of a syntax error and the one before
// it for the commonest slip in a hand-written file, "value:36000", and
// returns where the value starts, the field and the value.
func noSpaceAfterColon(src []byte, line int) (at model.Pos, field, value string, ok bool) {
	lines := strings.Split(string(src), "\n")
	for _, n := range []int{line, line - 1} {
		if n < 1 || n > len(lines) {
			continue
		}
		m := fieldNoSpace.FindStringSubmatch(strings.TrimRight(lines[n-1], "\r"))
		if m == nil {
			continue
		}
		col := utf8.RuneCountInString(m[1]+m[2]) + 2
		value = strings.TrimSpace(m[3])
		if r := []rune(value); len(r) > 40 {
			value = string(r[:40]) + "…"
		}
		return model.Pos{Line: n, Col: col}, m[2], value, true
	}
	return model.Pos{}, "", "", false
}

// posOf returns where a node starts: a mapping at its first key.
func posOf(n ast.Node) model.Pos {
	switch v := n.(type) {
	case nil:
		return model.Pos{}
	case *ast.MappingNode:
		if len(v.Values) > 0 {
			return posOf(v.Values[0].Key)
		}
	case *ast.MappingValueNode:
		return posOf(v.Key)
	case *ast.AnchorNode:
		return tokenPos(v.Start)
	case *ast.TagNode:
		return tokenPos(v.Start)
	case *ast.LiteralNode:
		return tokenPos(v.Start)
	}
	return tokenPos(n.GetToken())
}

func tokenPos(tk *token.Token) model.Pos {
	if tk == nil || tk.Position == nil {
		return model.Pos{}
	}
	return model.Pos{Line: tk.Position.Line, Col: tk.Position.Column}
}

// kind names a node's type in a user's words.
func kind(n ast.Node) string {
	switch n.(type) {
	case nil, *ast.NullNode:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return "a number"
	case *ast.BoolNode:
		return "true/false"
	}
	return "text"
}

// resolve unwraps anchors and harmless tags. Aliases and other tags are
// refused: pipegen files are plain data, and alias expansion is a way to make
// a small file enormous.
func (d *decoder) resolve(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.AliasNode:
			d.errorf(posOf(v), "yaml-alias", "write the value out in full", "YAML aliases (*name) are not supported in pipegen files")
			return nil
		case *ast.TagNode:
			switch v.Start.Value {
			case "!!str", "!!int", "!!float", "!!bool", "!!map", "!!seq":
				n = v.Value
			default:
				d.errorf(posOf(v), "yaml-tag", "remove the tag", "YAML tag %s is not supported in pipegen files", v.Start.Value)
				return nil
			}
		default:
			return n
		}
	}
}

// isNull reports whether a resolved node holds no value.
func isNull(n ast.Node) bool {
	_, null := n.(*ast.NullNode)
	return n == nil || null
}

// fields walks a mapping, calling f for each known key with its resolved
// value (nil for an empty value). Unknown keys are reported with the nearest
// known name. It reports false when n is not a mapping.
func (d *decoder) fields(n ast.Node, what string, names []string, f func(key string, kp model.Pos, v ast.Node)) bool {
	n = d.resolve(n)
	m, ok := n.(*ast.MappingNode)
	if !ok {
		if !isNull(n) {
			d.errorf(posOf(n), "wrong-type", fmt.Sprintf("write %s as \"field: value\" lines", what), "%s must be a mapping of fields, not %s", what, kind(n))
		}
		return false
	}
	// Nested calls (a contact inside a deal) restore the outer field's start
	// when they return, so fieldBroken stays right for the outer callback.
	outer := d.fieldStart
	defer func() { d.fieldStart = outer }()
	for _, mv := range m.Values {
		kp := posOf(mv.Key)
		var key string
		keyNode := ast.Node(mv.Key)
		if explicit, ok := keyNode.(*ast.MappingKeyNode); ok {
			keyNode = explicit.Value // "? title": the key is what follows the ?
		}
		if _, merge := keyNode.(*ast.MergeKeyNode); !merge {
			before := len(d.diags) + d.dropped
			if keyNode = d.resolve(keyNode); keyNode == nil && len(d.diags)+d.dropped > before {
				continue // an alias or a foreign tag, reported
			}
		}
		switch k := keyNode.(type) {
		case *ast.MergeKeyNode:
			d.errorf(kp, "yaml-alias", "write the fields out in full", "YAML merge keys (<<) are not supported in pipegen files")
			continue
		case ast.ScalarNode:
			key = k.GetToken().Value
		default:
			d.errorf(kp, "wrong-type", "field names are plain words, like title or owner", "a field name must be plain text, not %s", kind(keyNode))
			continue
		}
		if !contains(names, key) {
			msg := fmt.Sprintf("unknown field %q in %s", key, what)
			if s := suggest.Closest(key, names); s != "" {
				msg += fmt.Sprintf(" — did you mean %q?", s)
			}
			d.errorf(kp, "unknown-field", "the fields of "+what+" are "+strings.Join(names, ", "), "%s", msg)
			continue
		}
		d.fieldStart = len(d.diags) + d.dropped
		v := d.resolve(mv.Value)
		if isNull(v) {
			v = nil
		}
		f(key, kp, v)
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// text reads a scalar as the text the user wrote: `owner: 0123` is "0123",
// never 83. It reports false for an absent value or a collection.
func (d *decoder) text(n ast.Node, field string) (string, bool) {
	switch v := n.(type) {
	case nil:
		return "", false
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		return v.Value.Value, true
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode:
		d.errorf(posOf(n), "wrong-type", fmt.Sprintf("write %s as plain text on the same line", field), "%s must be text, not %s", field, kind(n))
		return "", false
	}
	return n.GetToken().Value, true
}

// quoted reports whether a scalar was written in quotes.
func quoted(n ast.Node) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.DoubleQuoteType || tk.Type == token.SingleQuoteType)
}

// date reads a YYYY-MM-DD date.
func (d *decoder) date(n ast.Node, field string) (model.Date, bool) {
	s, ok := d.text(n, field)
	if !ok {
		return 0, false
	}
	date, err := model.ParseDate(s)
	if err != nil {
		d.errorf(posOf(n), "bad-date", "dates are written YYYY-MM-DD, like 2026-09-02", "%s: %v", field, err)
		return 0, false
	}
	return date, true
}

// number checks that a node is an unquoted finite number and returns its text.
func (d *decoder) number(n ast.Node, field, example string) (string, bool) {
	switch n.(type) {
	case nil:
		return "", false
	case *ast.InfinityNode, *ast.NanNode:
		d.errorf(posOf(n), "bad-number", "write a finite number, like "+example, "%s must be a finite number, not %s", field, n.GetToken().Value)
		return "", false
	case *ast.IntegerNode, *ast.FloatNode:
		return n.GetToken().Value, true
	case *ast.StringNode:
		if quoted(n) {
			d.errorf(posOf(n), "wrong-type", "remove the quotes: "+field+": "+example, "%s must be a number, not quoted text", field)
			return "", false
		}
		return n.GetToken().Value, true
	}
	d.errorf(posOf(n), "wrong-type", "write a number, like "+field+": "+example, "%s must be a number, not %s", field, kind(n))
	return "", false
}

// money reads an amount exact to the cent.
func (d *decoder) money(n ast.Node, field string) (model.Money, bool) {
	if str, ok := n.(*ast.StringNode); ok && quoted(n) {
		// "36000" or "€36,000": offer the amount, unquoted.
		hint := ""
		if m, err := model.ParseMoney(str.Value); err == nil {
			hint = fmt.Sprintf("remove the quotes: %s: %s", field, m)
		} else if guess, ok := model.GuessMoney(str.Value); ok {
			hint = fmt.Sprintf("write %s: %s: an amount is digits with at most two decimals, without quotes, a currency sign, separators or k", field, guess)
		}
		if hint != "" {
			d.errorf(posOf(n), "wrong-type", hint, "%s must be a number, not quoted text", field)
			return 0, false
		}
	}
	s, ok := d.number(n, field, "36000")
	if !ok {
		return 0, false
	}
	m, err := model.ParseMoney(s)
	if err != nil {
		if guess, ok := model.GuessMoney(s); ok {
			d.errorf(posOf(n), "bad-number", fmt.Sprintf("write %s: %s: an amount is digits with at most two decimals, without a currency sign, separators or k", field, guess),
				"%s: %v — did you mean %s?", field, err, guess)
			return 0, false
		}
		d.errorf(posOf(n), "bad-number", "amounts are exact to the cent: write digits with at most two decimals and no separators or leading zeros, like 36000 or 1250.50", "%s: %v", field, err)
		return 0, false
	}
	return m, true
}

// fraction reads a plain decimal number such as 0.25.
func (d *decoder) fraction(n ast.Node, field string) (float64, bool) {
	s, ok := d.number(n, field, "0.25")
	if !ok {
		return 0, false
	}
	if !plainDecimal(s) {
		d.errorf(posOf(n), "bad-number", "write a decimal number between 0 and 1, like 0.25", "%s: %q is not a plain decimal number", field, s)
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d.errorf(posOf(n), "bad-number", "write a decimal number between 0 and 1, like 0.25", "%s: %q is not a number", field, s)
		return 0, false
	}
	return f, true
}

func plainDecimal(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return false
	}
	for _, part := range []string{whole, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return false
			}
		}
	}
	return !dot || frac != "" || whole != ""
}

// count reads a whole number >= 0.
func (d *decoder) count(n ast.Node, field string) (int, bool) {
	s, ok := d.number(n, field, "12")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) && s[0] != '-' {
		d.errorf(posOf(n), "bad-number", "write a whole number of a sensible size, like "+field+": 12", "%s: %s is too large", field, s)
		return 0, false
	}
	if err != nil || v < 0 || (len(s) > 1 && s[0] == '0') {
		d.errorf(posOf(n), "bad-number", "write a whole number of 0 or more, like "+field+": 12", "%s: %q is not a whole number of 0 or more", field, s)
		return 0, false
	}
	return v, true
}

// boolean reads true or false.
func (d *decoder) boolean(n ast.Node, field string) (bool, bool) {
	if n == nil {
		return false, false
	}
	b, ok := n.(*ast.BoolNode)
	if !ok {
		d.errorf(posOf(n), "wrong-type", "write "+field+": true or "+field+": false", "%s must be true or false, not %s", field, kind(n))
		return false, false
	}
	return b.Value, true
}

// list returns the items of a sequence.
func (d *decoder) list(n ast.Node, field, example string) ([]ast.Node, bool) {
	if n == nil {
		return nil, false
	}
	s, ok := n.(*ast.SequenceNode)
	if !ok {
		if strings.HasPrefix(example, "\n") {
			example = field + ":" + example
		}
		d.errorf(posOf(n), "wrong-type", "write a list, like "+example, "%s must be a list, not %s", field, kind(n))
		return nil, false
	}
	items := make([]ast.Node, 0, len(s.Values))
	for i, v := range s.Values {
		before := len(d.diags)
		v = d.resolve(v)
		if !isNull(v) {
			items = append(items, v)
			continue
		}
		if len(d.diags) > before {
			continue // an alias or tag, reported already
		}
		at := posOf(s)
		if i < len(s.Entries) && s.Entries[i].Start != nil {
			at = tokenPos(s.Entries[i].Start)
		}
		d.errorf(at, "wrong-type", "fill in the entry, or remove the empty \"-\" line", "%s has an empty entry", field)
	}
	return items, true
}

// entries reads a list whose entries read reads, keeping those it could.
func entries[T any](d *decoder, n ast.Node, field, example string, read func(ast.Node) (T, bool)) []T {
	nodes, _ := d.list(n, field, example)
	var out []T
	for _, it := range nodes {
		if x, ok := read(it); ok {
			out = append(out, x)
		}
	}
	return out
}

// items reads a list of ids, such as sources or requires.
func (d *decoder) items(n ast.Node, field, example string) []model.Item {
	nodes, _ := d.list(n, field, example)
	out := make([]model.Item, 0, len(nodes))
	for _, it := range nodes {
		if s, ok := d.text(it, field+" entry"); ok {
			out = append(out, model.Item{ID: s, Pos: posOf(it)})
		}
	}
	return out
}

// oneOf reads text that must be one of a few words.
func (d *decoder) oneOf(n ast.Node, field string, words []string) (string, bool) {
	s, ok := d.text(n, field)
	if !ok {
		return "", false
	}
	if !contains(words, s) {
		msg := fmt.Sprintf("%s %q is not one of %s", field, s, suggest.Quoted(words, "or"))
		if c := suggest.Closest(s, words); c != "" {
			msg += fmt.Sprintf(" — did you mean %q?", c)
		}
		d.errorf(posOf(n), "bad-value", "write one of: "+strings.Join(words, ", "), "%s", msg)
		return "", false
	}
	return s, true
}

// missing reports a required field that is absent or empty, at its key when
// the key is there and at the start of the mapping otherwise.
func (d *decoder) missing(at model.Pos, what, field, hint string) {
	if at.Line == 0 {
		at = model.Pos{Line: 1, Col: 1}
	}
	d.errorf(at, "missing-field", hint, "%s has no %s", what, field)
}

// firstInvalidUTF8 returns the position of the first byte that is not UTF-8.
func firstInvalidUTF8(src []byte) model.Pos {
	line, col := 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return model.Pos{Line: line, Col: col}
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return model.Pos{Line: line, Col: col}
}
