//! Designers' uploads.

use axum::extract::{Path, State};

use super::extract::{ById, CsvUpload};
use crate::auth::{now_rfc3339, Designer};
use crate::error::{ApiError, ApiResult};
use crate::storage::audit;
use crate::storage::imports::{self, FactImport, FactReport, ImportReport};
use crate::storage::products::{self, ProductReport};
use crate::AppState;

/// `POST /programs/{id}/imports/sales` with a CSV body (`partner,invoice,line,date,sku,category,units,value`).
pub async fn sales(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id: program }): Path<ById<String>>,
    CsvUpload(body): CsvUpload,
) -> ApiResult<axum::Json<ImportReport>> {
    // Read and checked on a read snapshot; then written in batches that other writes go between,
    // invisible until the last transaction makes the whole upload visible at once.
    let upload = state.db.read(move |conn| imports::check_sales(conn, &program, body)).await?;
    // Run to the end (or discarded) even if the client goes away meanwhile.
    let mut report = tokio::spawn(stage_sales(state.clone(), user.id, upload)).await.map_err(ApiError::internal)??;
    // The facts of the import's partners changed, in every program they take part in.
    state.invalidate_partners(std::mem::take(&mut report.changed)).await?;
    Ok(axum::Json(report))
}

/// Stages a checked sales upload batch by batch and finishes it; on any failure its staged rows
/// are removed (and were never visible).
async fn stage_sales(state: AppState, uid: i64, upload: imports::CheckedSales) -> ApiResult<ImportReport> {
    let now = now_rfc3339();
    let (staged, batches) = upload.into_batches(imports::STAGE_BATCH);
    let program = staged.program().to_string();
    let import = state.db.write(move |tx| imports::begin_sales(tx, &program, &now)).await?;
    let written = async {
        for batch in batches {
            state.db.write(move |tx| imports::stage_sales(tx, import, batch)).await?;
        }
        state
            .write(move |tx| {
                let program = staged.program().to_string();
                let report = imports::finish_sales(tx, import, staged)?;
                audit::record(
                    tx,
                    uid,
                    "import_sales",
                    &format!("{program}: {} rows, {} imported", report.rows, report.imported),
                    &now_rfc3339(),
                )?;
                Ok(report)
            })
            .await
    }
    .await;
    if written.is_err() {
        if let Err(e) = state.db.write(move |tx| imports::discard_sales(tx, import)).await {
            tracing::error!(import, cause = %e, "a failed import's staged rows were not removed");
        }
    }
    written
}

/// `POST /programs/{id}/imports/targets` (`partner,scheme,period,value`): each partner's target
/// for a period of a scheme, replacing an earlier one.
pub async fn targets(
    state: State<AppState>,
    designer: Designer,
    program: Path<ById<String>>,
    CsvUpload(body): CsvUpload,
) -> ApiResult<axum::Json<FactReport>> {
    facts(state, designer, program, FactImport::Targets, body).await
}

/// `POST /programs/{id}/imports/certifications` (`partner,date,course`).
pub async fn certifications(
    state: State<AppState>,
    designer: Designer,
    program: Path<ById<String>>,
    CsvUpload(body): CsvUpload,
) -> ApiResult<axum::Json<FactReport>> {
    facts(state, designer, program, FactImport::Certifications, body).await
}

/// `POST /programs/{id}/imports/referrals` (`partner,date,referred`).
pub async fn referrals(
    state: State<AppState>,
    designer: Designer,
    program: Path<ById<String>>,
    CsvUpload(body): CsvUpload,
) -> ApiResult<axum::Json<FactReport>> {
    facts(state, designer, program, FactImport::Referrals, body).await
}

async fn facts(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id: program }): Path<ById<String>>,
    kind: FactImport,
    body: String,
) -> ApiResult<axum::Json<FactReport>> {
    let (uid, now) = (user.id, now_rfc3339());
    // Read and checked outside the write lock; the write only compares and writes.
    let upload = state.db.read(move |conn| imports::check_facts(conn, &program, kind, body)).await?;
    let mut report = state
        .write(move |tx| {
            let program = upload.program().to_string();
            let report = imports::import_facts(tx, upload)?;
            let what =
                format!("{program}: {} rows, {} imported, {} replaced", report.rows, report.imported, report.replaced);
            audit::record(tx, uid, &format!("import_{}", kind.name()), &what, &now)?;
            Ok(report)
        })
        .await?;
    // The facts of the import's partners changed, in every program they take part in.
    state.invalidate_partners(std::mem::take(&mut report.changed)).await?;
    Ok(axum::Json(report))
}

/// `POST /programs/{id}/imports/products` with a CSV body (`sku,name,category`): the product
/// list, added to or updated, all rows or none.
pub async fn products(
    State(state): State<AppState>,
    Designer(user): Designer,
    Path(ById { id: program }): Path<ById<String>>,
    CsvUpload(body): CsvUpload,
) -> ApiResult<axum::Json<ProductReport>> {
    let (uid, now) = (user.id, now_rfc3339());
    let report = state
        .write(move |tx| {
            let report = products::import(tx, &program, &body)?;
            audit::record(
                tx,
                uid,
                "import_products",
                &format!("{program}: {} rows, {} added, {} updated", report.rows, report.added, report.updated),
                &now,
            )?;
            Ok(report)
        })
        .await?;
    Ok(axum::Json(report))
}
