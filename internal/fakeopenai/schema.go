package fakeopenai

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"storybot/internal/shareddir"
)

// SpecPath is where the OpenAI API description lives relative to the
// folder holding go.mod: in the shared folder (see
// storybot/internal/shareddir, whose STORYBOT_SHARED_DIR moves it). It is
// never copied into the repository.
const SpecPath = "../shared/specs/openai-openapi.json"

// The JSON pointers of the request schemas.
const (
	chatSchema      = "#/components/schemas/CreateChatCompletionRequest"
	embeddingSchema = "#/components/schemas/CreateEmbeddingRequest"
)

var (
	schemaOnce sync.Once
	schemas    map[string]*jsonschema.Schema
	schemaErr  error
)

// errNoSpec means the API description is not where [SpecPath] says.
var errNoSpec = errors.New("openai spec not found")

// requestValidator returns the compiled request schema of the pointer
// name, compiling them once. It returns errNoSpec when the description is
// absent.
func requestValidator(name string) (*jsonschema.Schema, error) {
	schemaOnce.Do(func() {
		path, err := findSpec()
		if err != nil {
			schemaErr = err
			return
		}
		f, err := os.Open(path)
		if err != nil {
			schemaErr = fmt.Errorf("open spec: %w", err)
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = fmt.Errorf("parse spec %s: %w", path, err)
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020) // OpenAPI 3.1 schemas are 2020-12.
		url := "file:///openai-openapi.json"
		if err := c.AddResource(url, doc); err != nil {
			schemaErr = fmt.Errorf("load spec: %w", err)
			return
		}
		schemas = map[string]*jsonschema.Schema{}
		for _, p := range []string{chatSchema, embeddingSchema} {
			sch, err := c.Compile(url + p)
			if err != nil {
				schemaErr = fmt.Errorf("compile %s: %w", p, err)
				return
			}
			schemas[p] = sch
		}
	})
	if schemaErr != nil {
		return nil, schemaErr
	}
	return schemas[name], nil
}

// findSpec finds [SpecPath]: the shared folder beside the module.
func findSpec() (string, error) {
	p, err := shareddir.Path("specs", "openai-openapi.json")
	if err != nil {
		return "", fmt.Errorf("%s: %w", SpecPath, errNoSpec)
	}
	return p, nil
}

// RequireSchema skips t when the API description is absent and fails it
// when the description does not compile; tests that depend on schema
// validation call it first.
func RequireSchema(t testing.TB) {
	t.Helper()
	_, err := requestValidator(chatSchema)
	if errors.Is(err, errNoSpec) {
		t.Skipf("skipping: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
}
