package site

import (
	"fmt"
	"html/template"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A browser may break a line after a hyphen, so on a phone "2026-11-27"
// can end one line with "2026-11-" and start the next with "27". What
// this file keeps whole is a date, an ISO month or a quarter.

// unbreakable matches a date (2026-11-27), an ISO month (2026-11) or a
// quarter (2026-Q4); see unbreakables.
var unbreakable = regexp.MustCompile(`\b\d{4}-(?:\d{2}(?:-\d{2})?|Q[1-4])\b`)

// unbreakables returns where s holds dates, months and quarters, as pairs
// of byte offsets; a month that a hyphen and digits follow is the start of
// something else (2026-11-2x), not a month.
func unbreakables(s string) [][]int {
	locs := unbreakable.FindAllStringIndex(s, -1)
	keep := locs[:0]
	for _, l := range locs {
		if end := l[1]; end+1 < len(s) && s[end] == '-' && s[end+1] >= '0' && s[end+1] <= '9' {
			continue
		}
		keep = append(keep, l)
	}
	return keep
}

// nowrap returns the text of v (a string, a date) as HTML in which each
// date, month and quarter stays on one line: for sentences that hold dates
// (subtitles, notes, the footer). An element that holds only a date takes
// the class "nowrap" instead.
func nowrap(v any) template.HTML {
	s := fmt.Sprint(v)
	locs := unbreakables(s)
	if len(locs) == 0 {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		b.WriteString(template.HTMLEscapeString(s[last:l[0]]))
		b.WriteString(`<span class="nowrap">`)
		b.WriteString(s[l[0]:l[1]]) // digits, '-' and 'Q': nothing to escape
		b.WriteString(`</span>`)
		last = l[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

// narrowScreens is the goldmark extension that lays Markdown out for a
// phone as the pages' templates are: dates, months and quarters stay on
// one line, and a table scrolls sideways in a named region the keyboard
// can reach instead of widening the page.
var narrowScreens goldmark.Extender = narrowExtension{}

type narrowExtension struct{}

func (narrowExtension) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(narrowTransformer{}, 200)))
	m.Renderer().AddOptions(gmrenderer.WithNodeRenderers(util.Prioritized(narrowRenderer{}, 500)))
}

var (
	kindNowrap      = ast.NewNodeKind("Nowrap")
	kindTableRegion = ast.NewNodeKind("TableRegion")
)

// nowrapNode holds a date, month or quarter of a text.
type nowrapNode struct{ ast.BaseInline }

func (n *nowrapNode) Kind() ast.NodeKind            { return kindNowrap }
func (n *nowrapNode) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// tableRegion holds a table; Label names it after the heading above it.
type tableRegion struct {
	ast.BaseBlock
	Label string
}

func (n *tableRegion) Kind() ast.NodeKind { return kindTableRegion }
func (n *tableRegion) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Label": n.Label}, nil)
}

type narrowTransformer struct{}

func (narrowTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	source := reader.Source()
	var texts []*ast.Text
	var tables []*east.Table
	var labels []string
	heading := ""
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.Image:
			return ast.WalkSkipChildren, nil
		case *ast.Heading:
			heading = plainText(v, source)
		case *ast.Text:
			if !v.IsRaw() && v.Segment.Padding == 0 {
				texts = append(texts, v)
			}
		case *east.Table:
			tables = append(tables, v)
			labels = append(labels, strings.TrimSuffix("Table: "+heading, ": "))
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		keepWhole(t, source)
	}
	for i, t := range tables {
		region := &tableRegion{Label: labels[i]}
		parent := t.Parent()
		parent.ReplaceChild(parent, t, region)
		region.AppendChild(region, t)
	}
}

// keepWhole splits t so that each date, month and quarter in it is a
// nowrapNode; t keeps what follows the last one, and its line break.
func keepWhole(t *ast.Text, source []byte) {
	seg := t.Segment
	locs := unbreakables(string(seg.Value(source)))
	if len(locs) == 0 {
		return
	}
	parent := t.Parent()
	last := 0
	for _, l := range locs {
		if l[0] > last {
			parent.InsertBefore(parent, t, ast.NewTextSegment(text.NewSegment(seg.Start+last, seg.Start+l[0])))
		}
		box := &nowrapNode{}
		box.AppendChild(box, ast.NewTextSegment(text.NewSegment(seg.Start+l[0], seg.Start+l[1])))
		parent.InsertBefore(parent, t, box)
		last = l[1]
	}
	t.Segment = text.NewSegment(seg.Start+last, seg.Stop)
}

// plainText is the text of n's inline content.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch v := c.(type) {
			case *ast.Text:
				b.Write(v.Segment.Value(source))
			case *ast.String:
				b.Write(v.Value)
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

type narrowRenderer struct{}

func (narrowRenderer) RegisterFuncs(r gmrenderer.NodeRendererFuncRegisterer) {
	r.Register(kindNowrap, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(`<span class="nowrap">`)
		} else {
			w.WriteString(`</span>`)
		}
		return ast.WalkContinue, nil
	})
	r.Register(kindTableRegion, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			w.WriteString(`<div class="table-scroll" role="region" aria-label="`)
			w.Write(util.EscapeHTML([]byte(n.(*tableRegion).Label)))
			w.WriteString(`" tabindex="0">` + "\n")
		} else {
			w.WriteString("</div>\n")
		}
		return ast.WalkContinue, nil
	})
}
