package io.github.finegrain.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * The {@link SpatialSmoothnessRegularization}s of one layer configuration by parameter key, built for one spec and
 * one {@link SpatialSmoothness} (a layer configuration keeps the last one and rebuilds it when its grids or weights
 * change). Immutable; the regularizations inside cache their kernel.
 */
final class SmoothnessTerms {
    private final Object spec;
    private final SpatialSmoothness smoothness;
    private final Map<String, List<Regularization>> byParam;

    private SmoothnessTerms(Object spec, SpatialSmoothness smoothness, Map<String, List<Regularization>> byParam) {
        this.spec = spec;
        this.smoothness = smoothness;
        this.byParam = byParam;
    }

    /** F carries both modes (terms with weight 0 are left out). */
    static SmoothnessTerms fullRank(SpatialLayerSpec s, SpatialSmoothness sm) {
        List<Regularization> f = new ArrayList<>(2);
        if (sm.court() > 0) {
            f.add(SpatialSmoothnessRegularization.fullRankCourt(s, sm));
        }
        if (sm.defender() > 0) {
            f.add(SpatialSmoothnessRegularization.fullRankDefender(s, sm));
        }
        return new SmoothnessTerms(s, sm, f.isEmpty() ? Map.of()
                : Map.of(FullRankSpatialParamInitializer.WEIGHT_KEY, List.copyOf(f)));
    }

    /** B carries the court mode, C the defender mode (terms with weight 0 are left out). */
    static SmoothnessTerms cp(CpLayerSpec s, SpatialSmoothness sm) {
        Map<String, List<Regularization>> m = new java.util.HashMap<>();
        if (sm.court() > 0) {
            m.put(CpSpatialParamInitializer.COURT_KEY, List.of(SpatialSmoothnessRegularization.cpCourt(s, sm)));
        }
        if (sm.defender() > 0) {
            m.put(CpSpatialParamInitializer.DEFENDER_KEY, List.of(SpatialSmoothnessRegularization.cpDefender(s, sm)));
        }
        return new SmoothnessTerms(s, sm, Map.copyOf(m));
    }

    /** Whether these terms were built for {@code spec} and {@code sm}. */
    boolean isFor(Object spec, SpatialSmoothness sm) {
        return this.spec.equals(spec) && smoothness.equals(sm);
    }

    /**
     * DL4J's regularizations of a parameter ({@code base}, e.g. L2; may be null) followed by this parameter's
     * smoothness terms. Returns {@code base} itself when the parameter has none.
     */
    List<Regularization> with(String param, List<Regularization> base) {
        List<Regularization> extra = byParam.get(param);
        if (extra == null) {
            return base;
        }
        List<Regularization> all = new ArrayList<>((base == null ? 0 : base.size()) + extra.size());
        if (base != null) {
            all.addAll(base);
        }
        all.addAll(extra);
        return all;
    }

    /** This parameter's smoothness terms (empty if none). */
    List<Regularization> of(String param) {
        return byParam.getOrDefault(param, List.of());
    }
}
