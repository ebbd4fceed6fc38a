//go:build tools

// Package tools pins Jaeger v2 (cmd/jaeger) for scripts/jaeger/provision-jaeger.sh.
package tools

import _ "github.com/jaegertracing/jaeger/cmd/jaeger"
