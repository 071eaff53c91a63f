package bot

// ThreadParent returns the channel the thread of x belongs to, as the
// gateway told the session (GUILD_CREATE and THREAD_CREATE), or "" when x
// is not in a thread the session knows.
func ThreadParent(x *Interaction) string {
	ch, err := x.Session.State.Channel(x.ChannelID)
	if err != nil || !ch.IsThread() {
		return ""
	}
	return ch.ParentID
}
