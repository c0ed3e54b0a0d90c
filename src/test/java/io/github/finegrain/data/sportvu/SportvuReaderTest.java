package io.github.finegrain.data.sportvu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reader's moment rules on hand-written logs. */
class SportvuReaderTest {
    static final String ROSTERS = "\"visitor\":{\"name\":\"V\",\"teamid\":2,\"abbreviation\":\"VIS\",\"players\":["
            + "{\"lastname\":\"V6\",\"firstname\":\"P\",\"playerid\":6},{\"lastname\":\"V7\",\"firstname\":\"P\","
            + "\"playerid\":7},{\"lastname\":\"V8\",\"firstname\":\"P\",\"playerid\":8},{\"lastname\":\"V9\","
            + "\"firstname\":\"P\",\"playerid\":9},{\"lastname\":\"V10\",\"firstname\":\"P\",\"playerid\":10}]},"
            + "\"home\":{\"name\":\"H\",\"teamid\":1,\"abbreviation\":\"HOM\",\"players\":[{\"lastname\":\"H1\","
            + "\"firstname\":\"P\",\"playerid\":1},{\"lastname\":\"H2\",\"firstname\":\"P\",\"playerid\":2},"
            + "{\"lastname\":\"H3\",\"firstname\":\"P\",\"playerid\":3},{\"lastname\":\"H4\",\"firstname\":\"P\","
            + "\"playerid\":4},{\"lastname\":\"H5\",\"firstname\":\"P\",\"playerid\":5}]}";

    /** A moment at {@code ts} with the standard 11 entities. */
    static String moment(long ts) {
        return moment(ts, entities(11));
    }

    static String moment(long ts, String entities) {
        return "[1," + ts + ",700.0,20.0,null,[" + entities + "]]";
    }

    static String entities(int n) {
        List<String> e = new ArrayList<>();
        e.add("[-1,-1,10.0,20.0,3.0]");
        for (int j = 1; j <= 10 && e.size() < n; j++) {
            e.add("[" + (j <= 5 ? 1 : 2) + "," + j + "," + (10.0 + j) + ",25.0,0.0]");
        }
        while (e.size() < n) {
            e.add("[1,99,1.0,1.0,0.0]");
        }
        return String.join(",", e);
    }

    static String game(String... eventsMoments) {
        StringBuilder b = new StringBuilder("{\"gameid\":\"001\",\"gamedate\":\"2099-01-01\",\"events\":[");
        for (int i = 0; i < eventsMoments.length; i++) {
            b.append(i > 0 ? "," : "").append("{\"eventId\":\"").append(i + 1).append("\",").append(ROSTERS)
                    .append(",\"moments\":[").append(eventsMoments[i]).append("]}");
        }
        return b.append("]}").toString();
    }

    static final class Kept implements SportvuReader.Listener {
        final List<Long> ts = new ArrayList<>();
        final List<String> where = new ArrayList<>();

        @Override
        public void game(String gameId, String gameDate) {
        }

        @Override
        public void event(String eventId, Roster home, Roster visitor) {
        }

        @Override
        public void moment(Moment m) {
            ts.add(m.timestampMs);
            where.add(m.where() + " #" + m.index);
        }
    }

    static SportvuReader.Stats read(String json, Kept k, Tally t) throws IOException {
        return SportvuReader.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "g.json", k, t);
    }

    @Test
    void overlappingEventsAreDeduplicatedAndEarlierMomentsAreKeptInTimeOrder() throws IOException {
        String e1 = String.join(",", moment(1000), moment(1040), moment(1080));
        String e2 = String.join(",", moment(1040), moment(1080), moment(1120)); // overlaps e1 by two moments
        String e3 = String.join(",", moment(1060), moment(1160)); // 1060 comes late in the file: kept in its place
        Kept k = new Kept();
        Tally t = new Tally();
        SportvuReader.Stats s = read(game(e1, e2, e3), k, t);
        assertThat(k.ts).containsExactly(1000L, 1040L, 1060L, 1080L, 1120L, 1160L);
        assertThat(k.where).containsExactly("event 1, moment 0 #0", "event 1, moment 1 #1", "event 3, moment 0 #2",
                "event 1, moment 2 #3", "event 2, moment 2 #4", "event 3, moment 1 #5");
        assertThat(s.duplicates()).isEqualTo(2);
        assertThat(s.momentsRead()).isEqualTo(8);
        assertThat(s.momentsKept()).isEqualTo(6);
        assertThat(t.counts()).isEmpty();
    }

    @Test
    void entityCountAndOrderAreChecked() throws IOException {
        String swapped = "[1,1,11.0,25.0,0.0],[-1,-1,10.0,20.0,3.0]," + entities(11).substring(entities(11)
                .indexOf("[1,2,"));
        String visitorsFirst = "[-1,-1,10.0,20.0,3.0],[2,6,1.0,1.0,0.0],[2,7,1.0,1.0,0.0],[2,8,1.0,1.0,0.0],"
                + "[2,9,1.0,1.0,0.0],[2,10,1.0,1.0,0.0],[1,1,1.0,1.0,0.0],[1,2,1.0,1.0,0.0],[1,3,1.0,1.0,0.0],"
                + "[1,4,1.0,1.0,0.0],[1,5,1.0,1.0,0.0]";
        String ms = String.join(",", moment(1000), moment(1040, entities(10)), moment(1080, entities(12)),
                moment(1120, swapped), moment(1160, visitorsFirst), moment(1200, entities(11).replace("[-1,-1,10.0",
                        "[-1,-1,null")), moment(1240, entities(11).replace("[1,3,13.0", "[1,3,NaN")));
        Kept k = new Kept();
        Tally t = new Tally();
        read(game(ms), k, t);
        assertThat(k.ts).containsExactly(1000L);
        assertThat(t.get(SportvuReader.SKIP_FEWER_ENTITIES)).isEqualTo(1);
        assertThat(t.get(SportvuReader.SKIP_MORE_ENTITIES)).isEqualTo(1);
        assertThat(t.get(SportvuReader.SKIP_ENTITY_ORDER)).isEqualTo(2);
        assertThat(t.get(SportvuReader.SKIP_NON_FINITE)).isEqualTo(2);
        assertThat(t.firstOccurrence().get(SportvuReader.SKIP_FEWER_ENTITIES))
                .startsWith("g.json: event 1, moment 1 (byte ").endsWith(") (10 entities)");
        assertThat(t.firstOccurrence().get(SportvuReader.SKIP_ENTITY_ORDER)).contains("event 1, moment 3");
        assertThat(t.firstOccurrence().get(SportvuReader.SKIP_NON_FINITE)).contains("moment 5").contains("entity 0");
    }

    @Test
    void schemaViolationsAreErrorsNamingTheEventAndMoment() {
        assertThatThrownBy(() -> read(game(moment(1000) + ",[\"one\",1040]"), new Kept(), new Tally()))
                .isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith("g.json: event 1, moment 1")
                .hasMessageContaining("expected the period (an integer) as element 0 of the moment, found the string "
                        + "\"one\"");
        assertThatThrownBy(() -> read("{\"events\":[]}", new Kept(), new Tally()))
                .hasMessageContaining("expected \"gameid\" before \"events\"");
        assertThatThrownBy(() -> read(game(moment(1000)) + " trailing", new Kept(), new Tally()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("g.json");
        String cut = game(moment(1000), moment(2000));
        assertThatThrownBy(() -> read(cut.substring(0, cut.length() - 40), new Kept(), new Tally()))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("g.json: event 2, moment 0");
        assertThatThrownBy(() -> read("{\"gameid\":\"1\",\"events\":[{\"eventId\":\"1\",\"moments\":[]}]}",
                new Kept(), new Tally())).hasMessageContaining("no \"home\" and \"visitor\" rosters");
    }
}
