package schema

import (
	"bytes"
	"encoding/json"

	"github.com/pipegen/pipegen/internal/model"
)

// node is one JSON Schema. Its fields are printed in this order, so that a
// person reading the output meets a property's description before its
// details, and its properties in the order the reference lists them.
type node struct {
	Schema               string   `json:"$schema,omitempty"`
	ID                   string   `json:"$id,omitempty"`
	Title                string   `json:"title,omitempty"`
	Description          string   `json:"description,omitempty"`
	Type                 any      `json:"type,omitempty"` // a type name, or a list of them
	Enum                 []string `json:"enum,omitzero"`  // an empty, non-nil list accepts nothing
	Default              any      `json:"default,omitempty"`
	Examples             []string `json:"examples,omitempty"`
	Pattern              string   `json:"pattern,omitempty"`
	Format               string   `json:"format,omitempty"`
	Minimum              *float64 `json:"minimum,omitempty"`
	ExclusiveMinimum     *float64 `json:"exclusiveMinimum,omitempty"`
	Maximum              *float64 `json:"maximum,omitempty"`
	MultipleOf           *float64 `json:"multipleOf,omitempty"`
	MinItems             *int     `json:"minItems,omitempty"`
	UniqueItems          bool     `json:"uniqueItems,omitempty"`
	Items                *node    `json:"items,omitempty"`
	Required             []string `json:"required,omitempty"`
	Properties           props    `json:"properties,omitempty"`
	PropertyNames        *node    `json:"propertyNames,omitempty"`
	AdditionalProperties any      `json:"additionalProperties,omitempty"` // false, or a *node
	AllOf                []*node  `json:"allOf,omitempty"`
	If                   *node    `json:"if,omitempty"`
	Then                 *node    `json:"then,omitempty"`
}

// prop is one named property of an object schema.
type prop struct {
	name   string
	schema *node
}

// props keeps an object's properties in the order they were given; a Go map
// would print them sorted by name.
type props []prop

func (ps props) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(p.name)
		if err != nil {
			return nil, err
		}
		v, err := marshal(p.schema)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// encode prints a schema indented by two spaces, with a final newline.
func encode(n *node) ([]byte, error) {
	b, err := marshal(n)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// marshal is json.Marshal without escaping <, > and &: descriptions are
// read by people, not embedded in HTML.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// Builders for the kinds of value pipegen's files hold. Each takes the
// description first, since every property must have one.

func field(name string, n *node) prop { return prop{name, n} }

// object is a mapping with exactly the given fields.
func object(desc string, required []string, fields ...prop) *node {
	return &node{Type: "object", Description: desc, Required: required, Properties: fields, AdditionalProperties: false}
}

func list(desc string, items *node) *node {
	return &node{Type: "array", Description: desc, Items: items}
}

func text(desc string) *node {
	return &node{Type: "string", Description: desc}
}

// nonBlank is text that must have something other than spaces in it.
func nonBlank(desc string) *node {
	return &node{Type: "string", Description: desc, Pattern: `\S`}
}

// id is a name that pipeline.yaml declares and files refer to.
func id(desc string) *node {
	return &node{Type: "string", Description: desc, Pattern: idPattern}
}

// oneOf is text that must be one of values. A nil or empty values accepts
// nothing: a list that pipeline.yaml declares empty is enforced all the same.
func oneOf(desc string, values []string) *node {
	if values == nil {
		values = []string{}
	}
	return &node{Type: "string", Description: desc, Enum: values}
}

func date(desc string) *node {
	return &node{Type: "string", Description: desc, Format: "date", Pattern: datePattern}
}

// amount is money in the pipeline currency, exact to the cent.
func amount(desc string) *node {
	return &node{Type: "number", Description: desc, Minimum: num(0), Maximum: num(maxAmount), MultipleOf: num(0.01)}
}

// fraction is a probability.
func fraction(desc string) *node {
	return &node{Type: "number", Description: desc, Minimum: num(0), Maximum: num(1)}
}

// whole is a whole number of at least min.
func whole(desc string, min float64) *node {
	return &node{Type: "integer", Description: desc, Minimum: num(min)}
}

// days is a whole number of days, 0 to model.MaxDays.
func days(desc string) *node {
	return &node{Type: "integer", Description: desc, Minimum: num(0), Maximum: num(model.MaxDays)}
}

func num(f float64) *float64 { return &f }

func atLeast(n int) *int { return &n }
