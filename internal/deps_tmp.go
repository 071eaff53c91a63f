package internal

import (
	_ "github.com/bwmarrin/discordgo"
	_ "github.com/gorilla/websocket"
	_ "github.com/kelseyhightower/envconfig"
	_ "github.com/kljensen/snowball"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/sashabaranov/go-openai"
	_ "golang.org/x/text/unicode/norm"
	_ "golang.org/x/time/rate"
	_ "golang.org/x/tools/txtar"
	_ "modernc.org/sqlite"
)
