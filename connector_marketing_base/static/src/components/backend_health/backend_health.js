/** @odoo-module **/
// Copyright 2026 Marketing Connectors contributors
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {Component} from "@odoo/owl";
import {registry} from "@web/core/registry";
import {standardFieldProps} from "@web/views/fields/standard_field_props";
import {useService} from "@web/core/utils/hooks";

/** Height of the calls chart, in SVG units. */
const CHART_HEIGHT = 40;

/**
 * Sync health of a marketing backend, from its `health_data` (computed on the
 * server, see marketing_backend_cockpit.py): what needs attention, the last
 * syncs, calls against the quota with the last days as bars, the limiter, the
 * jobs and review items, each count opening the list it counts.
 * `compact` (Overview cards) shows the summary only, without links.
 */
export class MarketingBackendHealth extends Component {
    static template = "connector_marketing_base.MarketingBackendHealth";
    static props = {
        ...standardFieldProps,
        compact: {type: Boolean, optional: true},
    };

    setup() {
        this.action = useService("action");
        this.orm = useService("orm");
    }

    get data() {
        return this.props.record.data[this.props.name] || {};
    }

    get attention() {
        return this.data.attention || {level: "secondary", text: ""};
    }

    get bars() {
        const days = (this.data.quota && this.data.quota.days) || [];
        const top = Math.max(1, ...days.map((day) => day.calls));
        return days.map((day, index) => {
            const height = Math.round((day.calls / top) * CHART_HEIGHT);
            return {
                ...day,
                x: index * 14,
                y: CHART_HEIGHT - height,
                height: Math.max(height, 1),
                today: index === days.length - 1,
            };
        });
    }

    get quotaText() {
        const quota = this.data.quota || {};
        if (quota.quota) {
            return `${quota.used} / ${quota.quota} (${Math.round(quota.ratio * 100)}%)`;
        }
        return `${quota.used || 0}`;
    }

    async call(method, kwargs) {
        const record = this.props.record;
        if (record.isDirty) {
            await record.save();
        }
        const action = await this.orm.call(
            record.resModel,
            method,
            [[record.resId]],
            kwargs
        );
        await this.action.doAction(action);
    }

    openJobs(method, state) {
        return this.call("action_open_jobs", {method, state});
    }

    openIssues(reasonCode) {
        return this.call("action_open_issues_reason", {reason_code: reasonCode});
    }

    openAttention() {
        const open = this.attention.open || {};
        if (open.jobs) {
            return this.openJobs(false, open.jobs);
        }
        return this.openIssues(false);
    }
}

export const marketingBackendHealth = {
    component: MarketingBackendHealth,
    supportedTypes: ["json"],
    extractProps: ({options}) => ({compact: Boolean(options.compact)}),
};

registry.category("fields").add("marketing_backend_health", marketingBackendHealth);
