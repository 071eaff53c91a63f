package fakediscord

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"storybot/internal/shareddir"
)

// errNoSpec reports that the OpenAPI description could not be found.
var errNoSpec = errors.New("discord OpenAPI description (specs/discord-openapi.json in the shared folder) not found")

// findSpec finds the Discord OpenAPI description in the shared folder
// beside the module (see storybot/internal/shareddir).
func findSpec() (string, error) {
	p, err := shareddir.Path("specs", "discord-openapi.json")
	if err != nil {
		return "", errNoSpec
	}
	return p, nil
}

// schemaSet holds the compiled request-body schemas, keyed by
// "METHOD /spec/path".
type schemaSet struct {
	byRoute map[string]*jsonschema.Schema
}

var (
	specOnce sync.Once
	specSet  *schemaSet
	specErr  error
)

// loadSchemas finds, patches and compiles the spec once per process;
// compiling it takes a noticeable fraction of a second. It returns
// errNoSpec when the spec is absent.
func loadSchemas() (*schemaSet, error) {
	specOnce.Do(func() {
		path, err := findSpec()
		if err != nil {
			specErr = err
			return
		}
		specSet, specErr = compileSpec(path)
	})
	return specSet, specErr
}

func compileSpec(path string) (*schemaSet, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read spec: %w", err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("parse spec %s: %w", path, err)
	}
	if err := patchSpec(doc); err != nil {
		return nil, fmt.Errorf("patch spec %s: %w", path, err)
	}
	const url = "file:///discord-openapi.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("add spec: %w", err)
	}
	set := &schemaSet{byRoute: map[string]*jsonschema.Schema{}}
	for _, rt := range routes {
		if !rt.body {
			continue
		}
		key := rt.method + " " + rt.spec
		if set.byRoute[key] != nil {
			continue
		}
		loc := url + "#/paths/" + pointerEscape(rt.spec) + "/" + strings.ToLower(rt.method) +
			"/requestBody/content/application~1json/schema"
		sch, err := c.Compile(loc)
		if err != nil {
			return nil, fmt.Errorf("compile schema for %s: %w", key, err)
		}
		set.byRoute[key] = sch
	}
	return set, nil
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// patchSpec adjusts the spec where it is stricter than Discord itself in
// ways that discordgo v0.29.0 relies on. Each patch names the schema it
// touches so that a changed spec fails loudly instead of silently.
//
// Other things discordgo sends are already accepted by the spec: null
// for channel_types, options and choices of every option type, and
// autocomplete false (option schemas allow extra properties); null
// embeds, components and sticker_ids; "content": "" with embeds.
func patchSpec(doc any) error {
	schemas, err := lookup(doc, "components", "schemas")
	if err != nil {
		return err
	}
	// discordgo marshals default_member_permissions with ",string"
	// (Discord documents it as a string of a permission bit set).
	for _, name := range []string{"ApplicationCommandUpdateRequest", "ApplicationCommandCreateRequest", "ApplicationCommandPatchRequestPartial"} {
		props, err := lookup(schemas, name, "properties")
		if err != nil {
			if name == "ApplicationCommandUpdateRequest" {
				return err
			}
			continue
		}
		props.(map[string]any)["default_member_permissions"] = map[string]any{
			"oneOf": []any{
				map[string]any{"type": "null"},
				map[string]any{"type": "string", "pattern": "^(0|[1-9][0-9]{0,16})$"},
				map[string]any{"type": "integer", "minimum": 0, "maximum": 18014398509481983},
			},
		}
	}
	return nil
}

func lookup(v any, keys ...string) (any, error) {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("spec: %s is not an object", k)
		}
		v, ok = m[k]
		if !ok {
			return nil, fmt.Errorf("spec: no %q", k)
		}
	}
	return v, nil
}

// validate checks body against the request schema of route. A nil
// schema (route without a JSON body in the spec) accepts nothing but an
// empty body. A nil set (no spec) accepts everything.
func (s *schemaSet) validate(method, specPath string, body []byte) error {
	if s == nil {
		return nil
	}
	sch := s.byRoute[method+" "+specPath]
	if sch == nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil
		}
		return fmt.Errorf("%s %s takes no body", method, specPath)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("body is not JSON: %w", err)
	}
	return sch.Validate(v)
}
