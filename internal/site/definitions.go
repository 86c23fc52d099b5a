package site

import (
	"bytes"
	"html/template"
	"sync"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/pipegen/pipegen/docs"
)

// The definitions page is docs/metrics.md, which ships inside pipegen. It
// is the project's own text, not the repository's, so its anchors (raw
// <a id> elements, which GitHub shows too) are kept; user Markdown never
// goes through this renderer.
var (
	definitionsOnce sync.Once
	definitionsHTML template.HTML
	definitionsErr  error
)

func renderDefinitions() (template.HTML, error) {
	definitionsOnce.Do(func() {
		md := goldmark.New(goldmark.WithExtensions(extension.GFM, narrowScreens), goldmark.WithRendererOptions(html.WithUnsafe()))
		var b bytes.Buffer
		definitionsErr = md.Convert([]byte(docs.Metrics), &b)
		definitionsHTML = template.HTML(b.String())
	})
	return definitionsHTML, definitionsErr
}

func (rd *renderer) definitions() ([]byte, error) {
	body, err := renderDefinitions()
	if err != nil {
		return nil, err
	}
	return rd.render(DefinitionsPage, "doc", "What every number means", "definitions", false, body)
}
