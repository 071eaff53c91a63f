package bot

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"storybot/answer"
)

type askOptions struct {
	text    string
	private bool
	mode    answer.Mode
}

type result struct {
	a   answer.Answer
	err error
}

// ask answers a question asked by an interaction: at once when the answer
// is ready within DeferAfter (keyword answers), otherwise by deferring and
// editing; model answers are deferred at once and edited as they stream.
func (b *Bot) ask(ctx context.Context, x *ix, q askOptions) error {
	x.ephemeral = q.private
	text := strings.TrimSpace(q.text)
	if text == "" {
		return x.fail(ctx, msgEmpty)
	}
	if n := runes(text); n > b.opts.MaxQuestion {
		return x.fail(ctx, fmt.Sprintf("Your question is %d characters long; the limit is %d. Please shorten it.", n, b.opts.MaxQuestion))
	}
	if msg, ok := b.allow(userOf(x.i), x.i.ChannelID); !ok {
		return x.fail(ctx, msg)
	}
	// In a thread the bot answered in, earlier questions are the context.
	var conv string
	if b.isThread(x.i.ChannelID) {
		conv = "c:" + x.i.ChannelID
	}
	question := answer.Question{Text: text, Mode: q.mode}
	if conv != "" {
		question.History = b.memory.history(conv, time.Now())
	}
	if q.mode != "" && q.mode != answer.ModeKeyword && q.mode != answer.ModeLLM {
		question.Mode = answer.ModeAuto
	}
	streaming := b.opts.Engine.HasModel() && question.Mode != answer.ModeKeyword

	actx, cancel := context.WithTimeout(ctx, b.opts.AnswerTimeout)
	defer cancel()
	var st *streamer
	if streaming {
		st = newStreamer(text)
		question.Stream = st.update
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				b.log.Error("panic answering", "panic", r, "interaction", x.i.ID, "stack", string(debug.Stack()))
				done <- result{err: fmt.Errorf("panic in answer: %v", r)}
			}
		}()
		a, err := b.opts.Engine.Answer(actx, question)
		done <- result{a, err}
	}()

	var res result
	if streaming {
		if err := x.deferResponse(ctx); err != nil {
			return fmt.Errorf("defer: %w", err)
		}
		stop := st.run(ctx, x, b.opts.EditInterval, b.log)
		res = <-done
		stop()
	} else {
		timer := time.NewTimer(b.opts.DeferAfter)
		select {
		case res = <-done:
			timer.Stop()
		case <-timer.C:
			if err := x.deferResponse(ctx); err != nil {
				return fmt.Errorf("defer: %w", err)
			}
			res = <-done
		}
	}
	if res.err != nil {
		return b.answerFailed(ctx, x, res.err)
	}
	if conv != "" {
		b.memory.add(conv, text, time.Now())
	}
	if b.isThreadChannel(x.i.ChannelID) {
		b.threads.put(x.i.ChannelID, true)
	}
	for _, m := range RenderAnswer(res.a, b.sources) {
		if err := x.respond(ctx, m); err != nil {
			return fmt.Errorf("send answer: %w", err)
		}
	}
	b.log.Info("answered", "interaction", x.i.ID, "mode", res.a.Mode, "found", res.a.Found,
		"citations", len(res.a.Citations), "private", x.ephemeral)
	return nil
}

func (b *Bot) answerFailed(ctx context.Context, x *ix, err error) error {
	switch {
	case userErr(err):
		return x.fail(ctx, capitalize(err.Error())+".")
	case errors.Is(err, context.DeadlineExceeded):
		b.log.Error("answer timed out", "interaction", x.i.ID, "err", err)
		return x.fail(ctx, msgTimeout)
	}
	b.log.Error("answer", "interaction", x.i.ID, "err", err)
	return x.fail(ctx, msgSorry)
}

// streamer edits a deferred response with a model answer as it arrives, at
// most once an interval, never after the final answer.
type streamer struct {
	question string

	mu       sync.Mutex
	partial  string
	dirty    bool
	lastEdit time.Time
}

func newStreamer(question string) *streamer { return &streamer{question: question} }

// update is the [answer.Question.Stream] callback.
func (st *streamer) update(partial string) {
	st.mu.Lock()
	st.partial, st.dirty = partial, true
	st.mu.Unlock()
}

func (st *streamer) take() (string, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	p, d := st.partial, st.dirty
	st.dirty = false
	return p, d
}

// run edits the response until the returned stop function is called; stop
// waits for an edit in progress.
func (st *streamer) run(ctx context.Context, x *ix, every time.Duration, log interface {
	Warn(msg string, args ...any)
}) (stop func()) {
	quit := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if p, ok := st.take(); ok {
				if err := x.edit(ctx, RenderPartial(st.question, p)); err != nil {
					log.Warn("streaming edit", "err", err)
				}
				st.mu.Lock()
				st.lastEdit = time.Now()
				st.mu.Unlock()
			}
		}
	}()
	return func() {
		close(quit)
		wg.Wait()
		// Keep the final edit an interval after the last one too.
		st.mu.Lock()
		last := st.lastEdit
		st.mu.Unlock()
		if wait := every - time.Since(last); !last.IsZero() && wait > 0 {
			select {
			case <-time.After(wait):
			case <-ctx.Done():
			}
		}
	}
}
