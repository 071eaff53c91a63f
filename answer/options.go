package answer

// Options returns the options the engine was made with, defaults
// applied: what another engine needs to answer alike (the books of
// storybot/library/shelf are answered with their default corpus's).
func (e *Engine) Options() Options { return e.opts }
