package io.github.finegrain.data.sportvu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.finegrain.data.DataFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PlayByPlayTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = PlayByPlayTest.class.getResourceAsStream("/play-by-play/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsTheFieldGoalAttemptsOfARealGame() throws IOException {
        PlayByPlay p = PlayByPlay.parse(resource("0021500492.csv"), "0021500492.csv", "0021500492");
        assertThat(p.rows()).isEqualTo(448);
        assertThat(p.attempts()).hasSize(176); // Python's csv module counts 176 rows of EVENTMSGTYPE 1 or 2
        PlayByPlay.FieldGoalAttempt first = p.attempts().get(0);
        // "0021500492,2,2,...,1,7:41 PM,11:41,...,2449,..." : a miss by 2449 at 11:41 of period 1
        assertThat(first.eventNum()).isEqualTo(2);
        assertThat(first.period()).isEqualTo(1);
        assertThat(first.clockSeconds()).isEqualTo(11 * 60 + 41);
        assertThat(first.shooterId()).isEqualTo(2449);
        assertThat(first.made()).isFalse();
        assertThat(p.attempts().get(1).made()).isTrue();
        assertThat(p.attempts().get(1).shooterId()).isEqualTo(202685);
        assertThat(p.eventNums()).contains(0, 1, 2).hasSize(448);
        assertThat(p.attempts()).allSatisfy(a -> assertThat(a.period()).isBetween(1, 4));
    }

    @Test
    void theSecondRealGameHas181Attempts() throws IOException {
        PlayByPlay p = PlayByPlay.parse(resource("0021500659.csv"), "0021500659.csv", "0021500659");
        assertThat(p.rows()).isEqualTo(455);
        assertThat(p.attempts()).hasSize(181);
        // counted independently with Python's csv module: 73 rows of EVENTMSGTYPE 1, 108 of type 2
        assertThat(p.attempts().stream().filter(PlayByPlay.FieldGoalAttempt::made).count()).isEqualTo(73);
    }

    @Test
    void refusesThePlayByPlayOfAnotherGame() throws IOException {
        String text = resource("0021500659.csv");
        assertThatThrownBy(() -> PlayByPlay.parse(text, "0021500492.csv", "0021500492"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("0021500492.csv line 2")
                .hasMessageContaining("GAME_ID 0021500659, expected 0021500492")
                .hasMessageContaining("another game");
    }

    @Test
    void idsWithoutLeadingZerosAndQuotedCommasAreAccepted() throws DataFormatException {
        String csv = "GAME_ID,EVENTNUM,EVENTMSGTYPE,PERIOD,PCTIMESTRING,HOMEDESCRIPTION,PLAYER1_ID\n"
                + "21500492,7,1,2,0:05,\"Jones 3PT, assist \"\"Smith\"\"\",201949.0\r\n"
                + "21500492,8,4,2,0:03,Rebound,0\n";
        PlayByPlay p = PlayByPlay.parse(csv, "x.csv", "0021500492");
        assertThat(p.attempts()).containsExactly(new PlayByPlay.FieldGoalAttempt(7, 2, 5, 201949, true, 2));
        assertThat(p.rows()).isEqualTo(2);
    }

    @Test
    void namesTheFileAndLineOfABadRow() {
        String header = "GAME_ID,EVENTNUM,EVENTMSGTYPE,PERIOD,PCTIMESTRING,PLAYER1_ID\n";
        assertThatThrownBy(() -> PlayByPlay.parse(header + "1,5,2,1,12:61,7\n", "g.csv", "1"))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("g.csv line 2")
                .hasMessageContaining("PCTIMESTRING").hasMessageContaining("12:61");
        assertThatThrownBy(() -> PlayByPlay.parse(header + "1,5,2,1,1:00,0\n", "g.csv", "1"))
                .hasMessageContaining("g.csv line 2").hasMessageContaining("no shooter");
        assertThatThrownBy(() -> PlayByPlay.parse(header + "1,x,2,1,1:00,7\n", "g.csv", "1"))
                .hasMessageContaining("EVENTNUM must be an integer, found 'x'");
        assertThatThrownBy(() -> PlayByPlay.parse("GAME_ID,EVENTNUM\n1,2\n", "g.csv", "1"))
                .hasMessageContaining("g.csv line 1: missing column EVENTMSGTYPE");
        assertThatThrownBy(() -> PlayByPlay.parse(header + "1,5,2,1,\"1:00,7\n", "g.csv", "1"))
                .hasMessageContaining("unterminated quoted field");
    }
}
