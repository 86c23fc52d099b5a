package site

import (
	"bytes"
	"html/template"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// md renders notes and guides: GitHub-flavoured Markdown, where raw HTML is
// dropped and javascript: links lose their target (goldmark's defaults; the
// unsafe renderer option is never used for user text).
var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// markdown renders user-written Markdown into HTML that is safe to embed.
func markdown(src string) (template.HTML, error) {
	if src == "" {
		return "", nil
	}
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
