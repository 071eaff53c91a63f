package answer

// Options returns the options the engine was made with, defaults
// applied: what another engine needs to answer alike (the books of
// storybot/library/shelf are answered with their default corpus's).
func (e *Engine) Options() Options { return e.opts }

// Observed returns the engine with observe as its [Options].Observe: the
// same index and corpus, every answer also given to observe. Only a whole
// engine, not a view through [Engine.UpTo], can be observed; a view
// returns itself.
func (e *Engine) Observed(observe func(Answer)) *Engine {
	if e.full != nil {
		return e
	}
	o := *e
	o.opts.Observe = observe
	return &o
}
