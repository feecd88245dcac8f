-- One row per status change of a complaint case (the transaction fact behind fct_complaints' accumulating
-- snapshot): which milestone it reached, its place in the case's history and the time since the previous change.
-- Incremental: every change of a case with a change or a case version landed since the last build (a load time the fact was not built from), or whose
-- customer version changed since, is rebuilt (delete+insert on ticket_event_key; the whole case, because the
-- change numbers depend on all its changes); changes of cases deleted in the CRM are deleted.
{{
    config(
        materialized='incremental',
        unique_key='ticket_event_key',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{{ delete_rows_missing_from('case_history_id',
                'select history.case_history_id as key from ' ~ ref('stg_crm__case_history') ~ ' as history'
                ~ ' inner join ' ~ ref('stg_crm__cases') ~ ' as cases on history.case_id = cases.case_id') }}"
        ]
    )
}}

with history as (
    select * from {{ ref('stg_crm__case_history') }}
),

cases as (
    select * from {{ ref('stg_crm__cases') }}
),

statuses as (
    select * from {{ ref('seed_case_statuses') }}
),

customers as (
    select * from {{ ref('dim_customer') }}
),

{% if is_incremental() %}
stale_cases as (
    select existing.case_id
    from {{ this }} as existing
    where
        existing.milestone is null
        or {{ member_is_stale('existing.customer_key', ref('dim_customer'), 'existing.changed_at') }}
),
{% endif %}

cases_to_build as (
    select distinct history.case_id
    from history
    inner join cases on history.case_id = cases.case_id
    where
        {{ changed_since_last_build(
            {'case_history_id': 'history.case_history_id'},
            'greatest(history._loaded_at, cases._loaded_at)'
        ) }}
    {% if is_incremental() %}
        union
        select stale_cases.case_id
        from stale_cases
    {% endif %}
),

sequenced as (
    select
        history.case_history_id,
        history.case_id,
        cases.account_id,
        history.old_status,
        history.new_status,
        history.changed_at,
        greatest(history._loaded_at, cases._loaded_at) as source_loaded_at,
        row_number() over (partition by history.case_id order by history.changed_at, history.case_history_id)
            as status_change_no,
        lag(history.changed_at) over (partition by history.case_id order by history.changed_at, history.case_history_id)
            as previous_changed_at
    from history
    inner join cases on history.case_id = cases.case_id
    inner join cases_to_build on history.case_id = cases_to_build.case_id
),

joined as (
    select
        {{ surrogate_key(['sequenced.case_history_id']) }} as ticket_event_key,
        sequenced.case_history_id,
        {{ surrogate_key(['sequenced.case_id']) }} as complaint_key,
        sequenced.case_id,
        coalesce(customers.customer_key, '-1') as customer_key,
        sequenced.old_status,
        sequenced.new_status,
        statuses.milestone,
        cast(statuses.milestone_order as {{ dbt.type_bigint() }}) as milestone_order,
        coalesce(statuses.milestone = 'reopened', false) as is_reopen,
        coalesce(statuses.is_closed, false) as is_closing,
        sequenced.changed_at,
        cast(sequenced.changed_at as date) as changed_date,
        sequenced.status_change_no,
        case
            when sequenced.previous_changed_at is not null
                then {{ hours_between('sequenced.previous_changed_at', 'sequenced.changed_at') }}
        end as hours_since_previous_change,
        sequenced.source_loaded_at
    from sequenced
    left join statuses on sequenced.new_status = statuses.status
    left join customers
        on sequenced.account_id = customers.account_id
            and sequenced.changed_at >= customers.valid_from
            and sequenced.changed_at < customers.valid_to
)

select * from joined
