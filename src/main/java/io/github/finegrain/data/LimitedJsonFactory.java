package io.github.finegrain.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * A {@link JsonFactory} whose parsers refuse documents nested deeper than {@code maxNesting} arrays/objects, strings
 * or keys longer than {@code maxStringChars} characters and numbers longer than {@code maxNumberChars} characters,
 * each with a {@link JsonParseException} that gives the parser's location.
 *
 * <p>Jackson 2.15+ has {@code StreamReadConstraints} for this; finegrain stays on the Jackson 2.13 line so that it
 * coexists with Apache Spark 3.3 (whose {@code jackson-module-scala} refuses any other {@code jackson-databind}),
 * so the limits are checked here, token by token, before a deserializer sees the value. Every token passes through
 * {@link #nextToken()} ({@link JsonParser}'s other {@code nextXxx} methods call it), so no value escapes the checks.
 */
final class LimitedJsonFactory extends JsonFactory {
    private static final long serialVersionUID = 1L;

    private final int maxNesting;
    private final int maxStringChars;
    private final int maxNumberChars;

    LimitedJsonFactory(int maxNesting, int maxStringChars, int maxNumberChars) {
        this.maxNesting = maxNesting;
        this.maxStringChars = maxStringChars;
        this.maxNumberChars = maxNumberChars;
        enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private LimitedJsonFactory(LimitedJsonFactory src, ObjectCodec codec) {
        super(src, codec);
        this.maxNesting = src.maxNesting;
        this.maxStringChars = src.maxStringChars;
        this.maxNumberChars = src.maxNumberChars;
    }

    @Override
    public JsonFactory copy() {
        return new LimitedJsonFactory(this, null);
    }

    @Override
    protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
        return new Limited(super._createParser(in, ctxt));
    }

    @Override
    protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
        return new Limited(super._createParser(r, ctxt));
    }

    @Override
    protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
            throws IOException {
        return new Limited(super._createParser(data, offset, len, ctxt, recyclable));
    }

    @Override
    protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
        return new Limited(super._createParser(data, offset, len, ctxt));
    }

    @Override
    protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
        return new Limited(super._createParser(input, ctxt));
    }

    /** The checking parser: counts the nesting itself and measures each string, key and number token. */
    private final class Limited extends JsonParserDelegate {
        private int depth;

        Limited(JsonParser d) {
            super(d);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = delegate.nextToken();
            if (t == null) {
                return null;
            }
            switch (t) {
                case START_OBJECT, START_ARRAY -> {
                    if (++depth > maxNesting) {
                        throw new JsonParseException(this, "Document nesting depth (" + depth
                                + ") exceeds the maximum allowed (" + maxNesting + ")");
                    }
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME -> check("Name length", delegate.currentName().length(), maxStringChars);
                case VALUE_STRING -> check("String value length", delegate.getTextLength(), maxStringChars);
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                        check("Number value length", delegate.getTextLength(), maxNumberChars);
                default -> {
                }
            }
            return t;
        }

        private void check(String what, int length, int max) throws JsonParseException {
            if (length > max) {
                throw new JsonParseException(this, what + " (" + length + ") exceeds the maximum allowed (" + max
                        + ")");
            }
        }

        @Override
        public JsonToken nextValue() throws IOException {
            JsonToken t = nextToken();
            return t == JsonToken.FIELD_NAME ? nextToken() : t;
        }

        @Override
        public JsonParser skipChildren() throws IOException {
            JsonToken current = currentToken();
            if (current != JsonToken.START_OBJECT && current != JsonToken.START_ARRAY) {
                return this;
            }
            int open = 1;
            while (open > 0) {
                JsonToken t = nextToken();
                if (t == null) {
                    return this;
                }
                if (t.isStructStart()) {
                    open++;
                } else if (t.isStructEnd()) {
                    open--;
                }
            }
            return this;
        }
    }
}
