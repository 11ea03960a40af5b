-- pgbench: the duplicate-suggestion query of the app (open public reports of a category near a point, ranked by
-- distance over the category's radius minus title similarity), on the synthetic data set (bench/synthetic.py):
--
--   bench/load_synthetic.sh 1m
--   pgbench -n -f bench/sql/duplicates.sql -c 2 -j 2 -T 20 --progress=5 -r \
--     postgres://postgres@127.0.0.1:5432/segnala_bench_1m
--
-- The point: a town picked by population (as the reports are) and a gaussian offset of the town's width, as the
-- generator draws reports. The category: uniform over the 18; its radius as in synthetic.py's CATEGORIES. The
-- text: the category's first title and one of 24 streets. pgbench variables are numbers, so the text is an array
-- subscript in the subquery p, folded into a constant when the query is planned (as the app's bind parameter is
-- a constant); apart from p.text for :text, the query is the app's.
-- The \set lines and the text are generated (python3 bench/synthetic.py --pgbench-vars, --pgbench-text):
-- regenerate them when TOWNS or CATEGORIES change there.
\set t random(1, 10000)
\set gx random_gaussian(-3000, 3000, 3.0)
\set gy random_gaussian(-3000, 3000, 3.0)
\set sig \
  case when :t <= 1484 then 3.10 when :t <= 2756 then 2.91 when :t <= 3534 then 2.38 when :t <= 4134 then 2.15 \
    when :t <= 4488 then 1.77 when :t <= 4834 then 1.76 when :t <= 5138 then 1.68 when :t <= 5413 then 1.62 \
    when :t <= 5682 then 1.61 when :t <= 5915 then 1.53 when :t <= 6113 then 1.45 when :t <= 6311 then 1.45 \
    when :t <= 6502 then 1.43 when :t <= 6686 then 1.41 when :t <= 6869 then 1.41 when :t <= 7053 then 1.41 \
    when :t <= 7223 then 1.38 when :t <= 7385 then 1.36 when :t <= 7548 then 1.36 when :t <= 7710 then 1.36 \
    when :t <= 7852 then 1.30 when :t <= 7993 then 1.30 when :t <= 8134 then 1.30 when :t <= 8269 then 1.28 \
    when :t <= 8403 then 1.28 when :t <= 8523 then 1.24 when :t <= 8643 then 1.24 when :t <= 8756 then 1.22 \
    when :t <= 8869 then 1.22 when :t <= 8982 then 1.22 when :t <= 9095 then 1.22 when :t <= 9208 then 1.22 \
    when :t <= 9314 then 1.19 when :t <= 9413 then 1.17 when :t <= 9512 then 1.17 when :t <= 9604 then 1.15 \
    when :t <= 9696 then 1.15 when :t <= 9781 then 1.12 when :t <= 9866 then 1.12 when :t <= 9936 then 1.07 \
    else 1.04 end
\set lat :sig * :gy / 1000.0 / 111.2 + \
  case when :t <= 1484 then 45.4064 when :t <= 2756 then 45.4903 when :t <= 3534 then 45.5455 \
    when :t <= 4134 then 45.6669 when :t <= 4488 then 45.0703 when :t <= 4834 then 45.219 \
    when :t <= 5138 then 45.766 when :t <= 5413 then 45.713 when :t <= 5682 then 45.436 \
    when :t <= 5915 then 45.6717 when :t <= 6113 then 45.492 when :t <= 6311 then 45.561 \
    when :t <= 6502 then 45.493 when :t <= 6686 then 45.349 when :t <= 6869 then 45.521 \
    when :t <= 7053 then 45.65 when :t <= 7223 then 45.708 when :t <= 7385 then 45.385 \
    when :t <= 7548 then 45.443 when :t <= 7710 then 45.505 when :t <= 7852 then 45.36 \
    when :t <= 7993 then 45.648 when :t <= 8134 then 45.3007 when :t <= 8269 then 45.054 \
    when :t <= 8403 then 45.572 when :t <= 8523 then 45.243 when :t <= 8643 then 45.603 \
    when :t <= 8756 then 45.227 when :t <= 8869 then 45.426 when :t <= 8982 then 45.441 \
    when :t <= 9095 then 45.549 when :t <= 9208 then 45.388 when :t <= 9314 then 45.425 \
    when :t <= 9413 then 45.137 when :t <= 9512 then 45.636 when :t <= 9604 then 45.456 \
    when :t <= 9696 then 45.59 when :t <= 9781 then 45.57 when :t <= 9866 then 45.085 \
    when :t <= 9936 then 45.23 else 45.233 end
\set lng :sig * :gx / 1000.0 / 78.1 + \
  case when :t <= 1484 then 11.8768 when :t <= 2756 then 12.2425 when :t <= 3534 then 11.5354 \
    when :t <= 4134 then 12.243 when :t <= 4488 then 11.79 when :t <= 4834 then 12.279 \
    when :t <= 5138 then 11.734 when :t <= 5413 then 11.357 when :t <= 5682 then 12.133 \
    when :t <= 5915 then 11.9269 when :t <= 6113 then 12.155 when :t <= 6311 then 12.237 \
    when :t <= 6502 then 12.109 when :t <= 6686 then 11.853 when :t <= 6869 then 11.334 \
    when :t <= 7053 then 11.3 when :t <= 7223 then 11.477 when :t <= 7385 then 11.783 \
    when :t <= 7548 then 11.985 when :t <= 7710 then 11.412 when :t <= 7852 then 11.789 \
    when :t <= 7993 then 11.7836 when :t <= 8134 then 12.035 when :t <= 8269 then 12.056 \
    when :t <= 8403 then 12.109 when :t <= 8523 then 11.75 when :t <= 8643 then 12.236 \
    when :t <= 8756 then 11.657 when :t <= 8869 then 11.787 when :t <= 8982 then 11.925 \
    when :t <= 9095 then 12.07 when :t <= 9208 then 11.387 when :t <= 9314 then 12.075 \
    when :t <= 9413 then 12.082 when :t <= 9512 then 11.548 when :t <= 9604 then 11.884 \
    when :t <= 9696 then 12.045 when :t <= 9781 then 11.933 when :t <= 9866 then 11.6 \
    when :t <= 9936 then 11.872 else 11.465 end
\set cat random(1, 18)
\set radius \
  case when :cat = 1 then 50 when :cat = 3 then 30 when :cat = 4 then 100 when :cat = 7 then 100 \
    when :cat = 10 then 50 when :cat = 11 then 50 when :cat = 14 then 30 else 250 end
\set street random(1, 24)
select r.report_id, r.receipt_code, r.title, r.state, r.created_at,
       ST_Distance(r.location::geography, p.g::geography) as distance_m,
       similarity(lower(r.title), lower(p.text)) as sim
from report r,
     (select ST_SetSRID(ST_MakePoint(:lng, :lat), 4326) as g,
             ((array['buca profonda in ', 'marciapiede rotto in ', 'lampione spento in ',
             'panchina rotta in ', 'erba alta nell''aiuola di ', 'altalena rotta nel giardino di ',
             'albero inclinato in ', 'rifiuti abbandonati in ', 'cassonetto rotto in ',
             'auto abbandonata da mesi in ', 'auto in sosta sulle strisce in ',
             'musica alta di notte in ', 'cartello stradale piegato in ',
             'semaforo guasto all''incrocio di ', 'pista ciclabile interrotta in ',
             'scivolo per carrozzine mancante in ', 'persona senza dimora al freddo in ',
             'proposta di nuove rastrelliere in '])[:cat] || (array['via roma', 'via garibaldi',
             'via mazzini', 'via cavour', 'via dante', 'via verdi', 'via marconi', 'via matteotti',
             'via gramsci', 'via xx settembre', 'via iv novembre', 'via xxv aprile',
             'via della repubblica', 'via trieste', 'via trento', 'via venezia', 'via milano',
             'via padova', 'via vicenza', 'via treviso', 'via san marco', 'via san giovanni',
             'via sant''antonio', 'via santa maria'])[:street]) as text) p
where r.category_id = :cat and r.is_public and r.confirmed_at is not null
  and r.state not in ('resolved', 'closed', 'rejected', 'duplicate')
  and r.location && ST_Expand(p.g, :radius / (111320.0 * cos(radians(:lat))), :radius / 110540.0)
  and ST_DWithin(r.location::geography, p.g::geography, :radius)
order by ST_Distance(r.location::geography, p.g::geography) / :radius - similarity(lower(r.title), lower(p.text))
limit 5;
