package site

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/pipegen/pipegen/internal/model"
)

// md renders notes and guides: GitHub-flavoured Markdown where raw HTML is
// dropped (goldmark's default; the unsafe renderer option is never used for
// user text) and links and images may only point at http, https and mailto
// addresses.
var md = goldmark.New(
	goldmark.WithExtensions(extension.GFM, narrowScreens),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(linkFilter{}, 100))),
)

// MaxMarkdown is the longest note or guide rendered: model.MaxText.
const MaxMarkdown = model.MaxText

// markdown renders user-written Markdown into HTML that is safe to embed.
func markdown(src string) (template.HTML, error) {
	if src == "" {
		return "", nil
	}
	if len(src) > MaxMarkdown {
		src = src[:MaxMarkdown] + "\n\n*(cut: the text is longer than pipegen shows)*"
	}
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}

// allowedURL reports whether a link or image may point at dest.
func allowedURL(dest string) bool {
	d := strings.ToLower(strings.TrimSpace(dest))
	return strings.HasPrefix(d, "https://") || strings.HasPrefix(d, "http://") || strings.HasPrefix(d, "mailto:")
}

// linkFilter turns links and images to other addresses into their text.
type linkFilter struct{}

func (linkFilter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var bad []ast.Node
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch v := n.(type) {
		case *ast.Link:
			if !allowedURL(string(v.Destination)) {
				bad = append(bad, n)
			}
		case *ast.Image:
			if !allowedURL(string(v.Destination)) {
				bad = append(bad, n)
			}
		case *ast.AutoLink:
			url := string(v.URL(reader.Source()))
			switch {
			case v.AutoLinkType == ast.AutoLinkEmail:
				url = "mailto:" + url
			case strings.HasPrefix(strings.ToLower(url), "www."):
				url = "http://" + url // linkified www.example.com
			}
			if !allowedURL(url) {
				bad = append(bad, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range bad {
		parent := n.Parent()
		if parent == nil {
			continue
		}
		if al, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(al.Label(reader.Source())))
			continue
		}
		// Keep the link's text (an image's alt text) in its place.
		for c := n.FirstChild(); c != nil; {
			next := c.NextSibling()
			parent.InsertBefore(parent, n, c)
			c = next
		}
		parent.RemoveChild(parent, n)
	}
}
